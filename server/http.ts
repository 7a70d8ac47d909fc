import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { WebSocketServer } from "ws";
import { appRouter } from "./api/root";
import { serveInputFile } from "./comfyui/input-files";
import { serveRunFile } from "./runs";
import type { Services } from "./services";

export const TRPC_HTTP_PATH = "/api/trpc";
export const TRPC_WS_PATH = "/api/trpc-ws";
const TOKEN_COOKIE = "atelier_token";

export type PageHandler = {
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void> | void;
};

function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

function isAuthorized(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const header = req.headers.authorization;
  return header === `Bearer ${token}` || readCookie(req, TOKEN_COOKIE) === token;
}

/**
 * One Node server for everything: tRPC over HTTP and WebSocket, and the
 * Next.js pages, on one port. tRPC is served here rather than from a Next
 * route handler so that the HTTP and WebSocket procedures share one module
 * instance (one database handle, one run manager, one event bus).
 */
export function createAppServer(services: Services, pages: PageHandler | null): { server: Server; close: () => Promise<void> } {
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_HTTP_PATH}/`,
    createContext: () => ({ services }),
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  const wsHandler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext: () => ({ services }),
    keepAlive: { enabled: true, pingMs: 15_000, pongWaitMs: 5_000 },
  });
  const token = services.env.token;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (token) {
      const offered = url.searchParams.get("token");
      if (offered === token) {
        url.searchParams.delete("token");
        res.writeHead(302, {
          "set-cookie": `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
          location: url.pathname + url.search,
        });
        res.end();
        return;
      }
      if (!isAuthorized(req, token)) {
        res.writeHead(401, { "content-type": "text/plain; charset=utf-8" });
        res.end("Atelier needs its access token: open this address with ?token=<ATELIER_TOKEN> once.\n");
        return;
      }
    }
    if (url.pathname === TRPC_HTTP_PATH || url.pathname.startsWith(`${TRPC_HTTP_PATH}/`)) {
      void trpcHandler(req, res);
      return;
    }
    // Run outputs, looked up by run id and index in the run record.
    if (url.pathname.startsWith("/files/runs/") && serveRunFile(req, res, url.pathname, { runs: services.runs, dataDir: services.env.dataDir })) return;
    // Images for LoadImage widgets, uploaded to and shown from ComfyUI's input folder.
    if (serveInputFile(req, res, url, services.comfy)) return;
    if (!pages) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("Not found\n");
      return;
    }
    Promise.resolve(pages.handle(req, res)).catch((err: unknown) => {
      console.error("page handler failed", err);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end("Internal error\n");
    });
  });

  server.on("upgrade", (req, socket, head) => {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    if (pathname === TRPC_WS_PATH) {
      if (!isAuthorized(req, token)) {
        socket.end("HTTP/1.1 401 Unauthorized\r\n\r\n");
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
      return;
    }
    if (pages?.upgrade) {
      void pages.upgrade(req, socket, head);
      return;
    }
    socket.destroy();
  });

  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        wsHandler.broadcastReconnectNotification();
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
