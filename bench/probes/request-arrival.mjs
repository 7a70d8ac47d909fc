// Preloaded into the app server by run.bench.ts only: prints when each request a bench page tagged with
// `x-bench-page` reached the server's HTTP handler (wall-clock ms), so the bench can split Run click → /prompt
// into the page, the way to the server, and the server's own work.
import http from "node:http";
import { performance } from "node:perf_hooks";

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function emitWithArrival(event, ...args) {
  if (event === "request") {
    const tag = args[0]?.headers?.["x-bench-page"];
    if (typeof tag === "string") process.stdout.write(`bench-probe arrived ${tag} ${performance.timeOrigin + performance.now()}\n`);
  }
  return emit.call(this, event, ...args);
};
