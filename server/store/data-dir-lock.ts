import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { AppError } from "@/server/errors";

export const LOCK_FILE = "atelier.lock";

type LockInfo = { pid: number; host: string; port: number | null; startedAt: number };

/** Whether `pid` on this machine is a live Node process (the lock's owner), not a pid reused by something else. */
function isLiveNodeProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to another user; still a live process.
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return /node|atelier|tsx/i.test(cmdline);
  } catch {
    // No /proc (not Linux): trust the signal check.
    return true;
  }
}

function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, "utf8")) as Partial<LockInfo>;
    return typeof info.pid === "number" ? { pid: info.pid, host: info.host ?? "", port: info.port ?? null, startedAt: info.startedAt ?? 0 } : null;
  } catch {
    return null;
  }
}

/**
 * Makes this process the only Atelier server using `dataDir`: two servers on one data directory would share one
 * ComfyUI client id (ComfyUI sends a prompt's progress to one socket per id) and both recover the same runs.
 * A lock left by a process that is gone (a crash, a kill -9) is taken over. Returns the release function.
 * @throws AppError CONFLICT naming the other process, the directory and the way out; STORAGE when the lock file
 * cannot be written (a read-only or full disk).
 */
export function lockDataDir(dataDir: string, options: { port?: number; now?: () => number } = {}): () => void {
  const path = join(dataDir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: hostname(), port: options.port ?? null, startedAt: (options.now ?? Date.now)() };
  const text = `${JSON.stringify(mine)}\n`;
  const temp = `${path}.${process.pid}`;
  /** Creates the lock file unless one exists (then false), complete when it appears where the file system allows. */
  const create = (): boolean => {
    try {
      // A hard link of a finished file: atomic, and never seen half-written by another server reading it.
      writeFileSync(temp, text);
      try {
        linkSync(temp, path);
        return true;
      } finally {
        unlinkSync(temp);
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return false;
      // File systems without hard links (some network and FUSE mounts): an exclusive create, atomic too.
      if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "ENOSYS") {
        try {
          writeFileSync(path, text, { flag: "wx" });
          return true;
        } catch (again) {
          if ((again as NodeJS.ErrnoException).code === "EEXIST") return false;
          e = again;
        }
      }
      throw new AppError("STORAGE", `Cannot write the lock file ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check that the data directory is writable and not full.`, { cause: e });
    }
  };
  for (let attempt = 0; !create(); attempt++) {
    const owner = readLock(path);
    const sameHost = !owner || owner.host === "" || owner.host === mine.host;
    if (owner && owner.pid !== process.pid && (!sameHost || isLiveNodeProcess(owner.pid))) {
      const where = `${sameHost ? "" : `on ${owner.host}, `}pid ${owner.pid}${owner.port ? `, port ${owner.port}` : ""}, since ${new Date(owner.startedAt).toISOString()}`;
      throw new AppError(
        "CONFLICT",
        `Another Atelier server (${where}) is using the data directory ${dataDir}. Stop it, or start this one with ATELIER_DATA_DIR set to another directory. If no Atelier is running there, delete ${path}.`,
      );
    }
    if (attempt === 1) throw new AppError("CONFLICT", `Could not take the lock ${path}: another server took it at the same moment.`);
    // Left by a process that is gone (or unreadable): take it over.
    unlinkSync(path);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    try {
      if (readLock(path)?.pid === process.pid) unlinkSync(path);
    } catch {
      // Already gone: nothing to release.
    }
  };
}
