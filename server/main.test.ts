import { spawn, spawnSync } from "node:child_process";
import { existsSync, writeFileSync, mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// `npm start` must fail fast with one line that says what to do, before any build.
function start(env: Record<string, string>) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "server/main.ts"], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: r.status, stderr: r.stderr.trim(), stdout: r.stdout.trim() };
}

describe("npm start", () => {
  it("names the taken port and what to do about it", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = start({ PORT: String(port), ATELIER_DATA_DIR: mkdtempSync(join(tmpdir(), "atelier-main-")) });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`atelier: port ${port} on 127.0.0.1 is already in use; stop the other process or start with PORT=${port + 1} npm start.`);
    } finally {
      blocker.close();
    }
  });

  it("names a data directory it cannot write", () => {
    const file = join(mkdtempSync(join(tmpdir(), "atelier-main-")), "not-a-dir");
    writeFileSync(file, "");
    const r = start({ PORT: "0", ATELIER_DATA_DIR: join(file, "data") });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^atelier: Cannot write to the data directory .*not-a-dir\/data \(ENOTDIR\); make it writable or set ATELIER_DATA_DIR/);
    expect(r.stderr.split("\n")).toHaveLength(1);
  });

  it("refuses a second server on the same data directory, naming the first, and frees the directory when it stops", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "atelier-main-"));
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
    try {
      writeFileSync(join(dataDir, "atelier.lock"), JSON.stringify({ pid: holder.pid, host: hostname(), port: 3217, startedAt: 0 }));
      const r = start({ PORT: "0", ATELIER_DATA_DIR: dataDir });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `atelier: Another Atelier server (pid ${holder.pid}, port 3217, since 1970-01-01T00:00:00.000Z) is using the data directory ${dataDir}. Stop it, or start this one with ATELIER_DATA_DIR set to another directory. If no Atelier is running there, delete ${join(dataDir, "atelier.lock")}.`,
      );
    } finally {
      holder.kill();
    }
    // The holder is gone: its lock is taken over; this start then fails on a taken port and releases the lock on exit.
    await new Promise((r) => holder.once("exit", r));
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    try {
      const r = start({ PORT: String((blocker.address() as { port: number }).port), ATELIER_DATA_DIR: dataDir });
      expect(r.stderr).toContain("is already in use");
      expect(existsSync(join(dataDir, "atelier.lock"))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it("refuses a bad PORT with the variable's name", () => {
    const r = start({ PORT: "seventy" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^atelier: PORT: .*"seventy"/);
  });
});
