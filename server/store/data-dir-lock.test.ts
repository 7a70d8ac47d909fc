import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createTestHarness } from "@/server/testing/harness";
import { LOCK_FILE, lockDataDir } from "./data-dir-lock";

const { defer } = createTestHarness();

const dir = () => mkdtempSync(join(tmpdir(), "atelier-lock-"));
const writeLock = (d: string, info: Record<string, unknown>) => writeFileSync(join(d, LOCK_FILE), JSON.stringify(info));

/** A live Node process that is not this one. */
function liveNode(): number {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
  defer(() => void child.kill());
  return child.pid!;
}

describe("lockDataDir", () => {
  it("takes the lock with this process's pid and port, and releases it", () => {
    const d = dir();
    const release = lockDataDir(d, { port: 3000, now: () => 0 });
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid, port: 3000, startedAt: 0 });
    release();
    expect(existsSync(join(d, LOCK_FILE))).toBe(false);
    release();
  });

  it("refuses while another live server holds it, naming it, the directory and the way out", () => {
    const d = dir();
    const pid = liveNode();
    writeLock(d, { pid, host: hostname(), port: 3217, startedAt: Date.UTC(2026, 11, 6, 12) });
    expect(() => lockDataDir(d)).toThrow(
      `Another Atelier server (pid ${pid}, port 3217, since 2026-12-06T12:00:00.000Z) is using the data directory ${d}. Stop it, or start this one with ATELIER_DATA_DIR set to another directory. If no Atelier is running there, delete ${join(d, LOCK_FILE)}.`,
    );
    // The holder's lock is untouched.
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), "utf8")).pid).toBe(pid);
  });

  it("refuses a lock held from another machine (the directory is shared), since it cannot tell whether that server runs", () => {
    const d = dir();
    writeLock(d, { pid: 1, host: "other-box", port: null, startedAt: 0 });
    expect(() => lockDataDir(d)).toThrow(/^Another Atelier server \(on other-box, pid 1, since 1970-01-01T00:00:00.000Z\) is using/);
  });

  it("takes over a lock left by a process that is gone, or one it cannot read", () => {
    const d = dir();
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    writeLock(d, { pid: gone, host: hostname(), port: 1, startedAt: 0 });
    lockDataDir(d)();
    writeFileSync(join(d, LOCK_FILE), "{ not json");
    const release = lockDataDir(d);
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    release();
  });

  it("says which file it cannot write when the directory refuses the lock", () => {
    const d = dir();
    // Something already sits where the lock is written first (as a full or read-only disk would refuse it).
    mkdirSync(join(d, `${LOCK_FILE}.${process.pid}`));
    expect(() => lockDataDir(d)).toThrow(new RegExp(`^Cannot write the lock file ${join(d, LOCK_FILE).replace(/[.]/g, "\\.")} \\(EISDIR\\); check that the data directory is writable and not full\\.$`));
  });

  it("does not take a live pid that is not a Node process for a server", () => {
    const d = dir();
    const sleeper = spawn("sleep", ["60"], { stdio: "ignore" });
    defer(() => void sleeper.kill());
    writeLock(d, { pid: sleeper.pid, host: hostname(), port: 1, startedAt: 0 });
    lockDataDir(d)();
  });
});
