import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink } from "@trpc/client";
import WebSocket from "ws";
import type { AppRouter } from "@/server/api/root";
import { readEnv } from "@/server/env";
import { createAppServer } from "@/server/http";
import { createServices, type Services } from "@/server/services";

/**
 * Starts the real app server (tRPC over HTTP and WebSocket, no pages) on a
 * free port with a fresh SQLite database, for integration tests.
 */
export async function startTestServer(envOverrides: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "atelier-it-"));
  const read = readEnv({ ATELIER_DATA_DIR: dataDir, PORT: "0", COMFYUI_URL: "http://127.0.0.1:9", ...envOverrides });
  if (!read.ok) throw new Error(read.problems.join("; "));
  const services: Services = createServices(read.env);
  const { server, close } = createAppServer(services, null);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const wsClients: ReturnType<typeof createWSClient>[] = [];

  function client(options: { headers?: Record<string, string> } = {}) {
    const ws = createWSClient({
      url: `ws://127.0.0.1:${port}/api/trpc-ws`,
      WebSocket: class extends WebSocket {
        constructor(address: string) {
          super(address, { headers: options.headers });
        }
      } as unknown as typeof globalThis.WebSocket,
      retryDelayMs: () => 100,
    });
    wsClients.push(ws);
    return createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === "subscription",
          true: wsLink({ client: ws }),
          false: httpBatchLink({ url: `${url}/api/trpc`, headers: options.headers }),
        }),
      ],
    });
  }

  return {
    url,
    port,
    services,
    client,
    async stop() {
      for (const ws of wsClients) await ws.close();
      await close();
      services.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
