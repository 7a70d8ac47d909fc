import { readFile } from "node:fs/promises";
import { BUNDLED_CATALOGUE } from "@/lib/graph/bundled-catalogue";
import { zNodeCatalogue, type NodeCatalogue } from "@/lib/graph/catalogue";
import { parseJsonText } from "@/lib/formats";

/** How long `--server` may take to answer /object_info. */
export const SERVER_TIMEOUT_MS = 10_000;

export type CatalogueResult = { ok: true; catalogue: NodeCatalogue; source: string } | { ok: false; message: string };

/** Loads the node catalogue from `--catalog <file>`, `--server <url>`, or the bundled core definitions. */
export async function loadCatalogue(options: { catalog?: string; server?: string }): Promise<CatalogueResult> {
  if (options.catalog) {
    let text: string;
    try {
      text = await readFile(options.catalog, "utf8");
    } catch (e) {
      return { ok: false, message: `Cannot read the catalogue ${options.catalog}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.` };
    }
    const parsed = parseJsonText(text);
    if (!parsed.ok) return { ok: false, message: `The catalogue ${options.catalog} is not valid JSON: ${parsed.error.message}` };
    return checked(parsed.value, options.catalog);
  }
  if (options.server) {
    const url = `${options.server.replace(/\/+$/, "")}/object_info`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(SERVER_TIMEOUT_MS) });
    } catch (e) {
      const reason = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError") ? `no answer within ${SERVER_TIMEOUT_MS / 1000} s` : describeFetchError(e);
      return { ok: false, message: `Could not fetch the node catalogue from ${url}: ${reason}. Is ComfyUI running there?` };
    }
    if (!response.ok) return { ok: false, message: `Could not fetch the node catalogue from ${url}: HTTP ${response.status}.` };
    let text: string;
    try {
      text = await response.text();
    } catch (e) {
      return { ok: false, message: `Could not read the node catalogue from ${url}: ${describeFetchError(e)}.` };
    }
    const parsed = parseJsonText(text);
    if (!parsed.ok) return { ok: false, message: `${url} did not return JSON: ${parsed.error.message}` };
    return checked(parsed.value, url);
  }
  return { ok: true, catalogue: BUNDLED_CATALOGUE, source: "bundled core catalogue" };
}

function describeFetchError(e: unknown): string {
  const cause = e instanceof Error ? (e.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}

function checked(value: unknown, source: string): CatalogueResult {
  const result = zNodeCatalogue.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, message: `${source} is not a ComfyUI /object_info catalogue: at /${issue?.path.join("/") ?? ""}: ${issue?.message ?? "invalid"}.` };
  }
  return { ok: true, catalogue: result.data, source };
}
