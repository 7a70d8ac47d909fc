/** Where the editor's Run goes when several ComfyUI servers are configured: remembered per browser. */

export const RUN_SERVER_KEY = "atelier:run-server";
/** Remembered instead of a URL: Run goes to whichever configured server fits the graph (the server decides). */
export const ANY_SERVER = "any";

type Listed = { url: string; isDefault: boolean };

/**
 * The server Run goes to: the one remembered in this browser while it is still configured, else the default one
 * (also when "any server that fits" is remembered: its catalogue is the one the editor shows).
 * @returns null while the list is not known yet.
 */
export function pickRunServer(servers: readonly Listed[] | undefined, remembered: string | null): string | null {
  if (!servers || servers.length === 0) return null;
  if (remembered !== null && servers.some((s) => s.url === remembered)) return remembered;
  return (servers.find((s) => s.isDefault) ?? servers[0]!).url;
}

/** Whether Run lets the server pick among several configured servers (remembered as ANY_SERVER). */
export function isAnyServer(servers: readonly Listed[] | undefined, remembered: string | null): boolean {
  return remembered === ANY_SERVER && (servers?.length ?? 0) > 1;
}

/** The remembered server, or null (no storage, nothing remembered). */
export function readRunServer(storage: Pick<Storage, "getItem"> | undefined): string | null {
  try {
    return storage?.getItem(RUN_SERVER_KEY) ?? null;
  } catch {
    return null;
  }
}

/** Remembers the server Run goes to; a full or refused storage only loses the memory. */
export function writeRunServer(storage: Pick<Storage, "setItem"> | undefined, url: string): void {
  try {
    storage?.setItem(RUN_SERVER_KEY, url);
  } catch {
    // Private mode or a full quota: Run still goes to the picked server for this page's life.
  }
}
