// The app server without pages (tRPC over HTTP and WebSocket only), as a
// process of its own: crash tests spawn it with `node --import tsx`, kill it
// with SIGKILL and start it again on the same data directory. Prints one
// line `{"port":N}` on stdout when it listens.
import type { AddressInfo } from "node:net";
import { readEnv } from "@/server/env";
import { createAppServer } from "@/server/http";
import { createServices } from "@/server/services";

const read = readEnv();
if (!read.ok) {
  console.error(read.problems.join("\n"));
  process.exit(1);
}
const services = createServices(read.env);
const { server } = createAppServer(services, null);
server.listen(read.env.port, read.env.host, () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
