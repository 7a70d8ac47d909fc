// Entry point of `npm start` / `npm run dev`: checks the environment, the
// data directory and the port before doing anything slow, builds the pages
// if there is no build yet, then serves pages, tRPC and WebSockets on one port.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import next from "next";
import { readEnv } from "./env";
import { isAppError } from "./errors";
import { createAppServer } from "./http";
import { createServices } from "./services";
import { lockDataDir } from "./store/data-dir-lock";
import { ensureWritableDir } from "./store/db";

function fail(message: string): never {
  console.error(`atelier: ${message}`);
  process.exit(1);
}

function portIsFree(port: number, host: string): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", (err: NodeJS.ErrnoException) => resolve(err));
    probe.listen(port, host, () => probe.close(() => resolve(null)));
  });
}

async function main() {
  const dev = process.argv.includes("--dev");
  const read = readEnv();
  if (!read.ok) fail(read.problems.join("\n  "));
  const env = read.env;

  let services;
  let unlock = () => {};
  try {
    // Before the database: one server per data directory (they would share a ComfyUI client id and recover the same runs).
    ensureWritableDir(env.dataDir);
    unlock = lockDataDir(env.dataDir, { port: env.port });
    services = createServices(env);
  } catch (e) {
    unlock();
    fail(isAppError(e) ? e.message : `could not open the database: ${(e as Error).message}`);
  }
  process.on("exit", unlock);

  const portError = await portIsFree(env.port, env.host);
  if (portError) {
    services.close();
    if (portError.code === "EADDRINUSE") fail(`port ${env.port} on ${env.host} is already in use; stop the other process or start with PORT=${env.port + 1} npm start.`);
    if (portError.code === "EACCES") fail(`no permission to listen on port ${env.port}; use a port above 1023 (PORT=3000 npm start).`);
    if (portError.code === "EADDRNOTAVAIL") fail(`HOST=${env.host} is not an address of this machine; leave HOST unset to use 127.0.0.1.`);
    fail(`cannot listen on ${env.host}:${env.port}: ${portError.message}`);
  }

  const dir = process.cwd();
  if (!dev && !existsSync(join(dir, ".next", "BUILD_ID"))) {
    console.log("atelier: no production build yet; running `next build` once (this takes a minute or two)…");
    const build = spawnSync(process.execPath, [join(dir, "node_modules", "next", "dist", "bin", "next"), "build"], { stdio: "inherit" });
    if (build.status !== 0) fail("`next build` failed; see the output above.");
  }

  const app = next({ dev, dir, hostname: env.host, port: env.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const { server, close } = createAppServer(services, {
    handle: (req, res) => handle(req, res),
    upgrade: dev ? app.getUpgradeHandler() : undefined,
  });

  server.on("error", (err: NodeJS.ErrnoException) => fail(`server error: ${err.message}`));
  server.listen(env.port, env.host, () => {
    const shownHost = env.host.includes(":") ? `[${env.host}]` : env.host;
    console.log(`atelier: ready on http://${shownHost}:${env.port} (data in ${env.dataDir}; ComfyUI expected at ${services.comfy.list().map((s) => `${s.url}${s.isDefault ? " (default)" : ""}`).join(", ")})`);
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`atelier: ${signal} received, shutting down`);
    await close();
    services.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((e: unknown) => fail(isAppError(e) ? e.message : ((e as Error).stack ?? String(e))));
