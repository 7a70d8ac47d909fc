import { createServer, type Socket } from "node:net";
import { afterEach } from "vitest";
import { startSimulator, type Simulator, type SimulatorOptions } from "@/server/comfyui/simulator/server";
import { startTestServer } from "./app-server";

/** A TCP port nothing listens on (a ComfyUI that is down). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * What integration tests start, each stopped after the test that started it (last started, first stopped). Call it
 * once at the top of a test file: it registers the file's afterEach.
 */
export function createTestHarness() {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const defer = (cleanup: () => Promise<void> | void) => void cleanups.push(cleanup);

  return {
    /** Runs `cleanup` after the current test. */
    defer,

    /** A ComfyUI simulator on a free port, fast by default (2 ms a node, 1 ms a step). */
    async sim(options: SimulatorOptions = {}): Promise<Simulator> {
      const s = await startSimulator({ nodeDelayMs: 2, stepDelayMs: 1, ...options });
      defer(() => s.close());
      return s;
    },

    /** The app server (tRPC, no pages) on a free port with a fresh database, and a client of it. */
    async app(env: Record<string, string>) {
      const server = await startTestServer(env);
      defer(() => server.stop());
      return { server, api: server.client() };
    },

    /** A host that accepts connections and never answers: its URL. */
    async silentServer(): Promise<string> {
      const held: Socket[] = [];
      const silent = createServer((socket) => void held.push(socket));
      await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
      defer(() => new Promise<void>((r) => (held.forEach((h) => h.destroy()), silent.close(() => r()))));
      return `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    },
  };
}
