import { createReadStream, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join, resolve, sep } from "node:path";
import type { RunRepository } from "./store";

const FILE_ROUTE = /^\/files\/runs\/([A-Za-z0-9-]{1,64})\/(\d{1,6})$/;

/**
 * Serves `/files/runs/<runId>/<index>`: the path is looked up in the run
 * record, so nothing the client sends ever becomes a filesystem path.
 * @returns false when the URL is not this route.
 */
export function serveRunFile(req: IncomingMessage, res: ServerResponse, pathname: string, deps: { runs: RunRepository; dataDir: string }): boolean {
  const match = FILE_ROUTE.exec(pathname);
  if (!match) return false;
  const notFound = (why: string) => {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end(`${why}\n`);
  };
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" });
    res.end();
    return true;
  }
  const output = deps.runs.getOutput(match[1]!, Number(match[2]));
  if (!output?.localPath) {
    notFound(`Run ${match[1]} has no downloaded output ${match[2]}.`);
    return true;
  }
  const root = resolve(deps.dataDir, "outputs");
  const file = resolve(join(deps.dataDir, output.localPath));
  if (!file.startsWith(root + sep)) {
    notFound("Not found.");
    return true;
  }
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    notFound(`The file of run ${match[1]} output ${match[2]} is missing from the data directory.`);
    return true;
  }
  res.writeHead(200, {
    "content-type": output.contentType ?? "application/octet-stream",
    "content-length": size,
    "cache-control": "private, max-age=31536000, immutable",
    "content-disposition": `inline; filename="${output.filename.replace(/[^\w.-]/g, "_")}"`,
    "x-content-type-options": "nosniff",
  });
  if (req.method === "HEAD") {
    res.end();
    return true;
  }
  createReadStream(file).pipe(res);
  return true;
}
