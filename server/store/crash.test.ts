import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTRPCClient, httpLink } from "@trpc/client";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createStarterDocument } from "@/lib/graph/starter";
import type { WorkflowDocument } from "@/lib/graph/model";
import { hashFullDocument } from "@/lib/versions/hash";
import type { AppRouter } from "@/server/api/root";
import { openDatabase } from "./db";
import { createWorkflowRepository } from "./workflows";

const repoRoot = join(import.meta.dirname, "..", "..");
const children: ChildProcess[] = [];
let dataDir: string | undefined;

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Spawns server/testing/serve-api.ts as a real process and waits for its port. */
function startServerProcess(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "server/testing/serve-api.ts")], {
    cwd: repoRoot,
    env: { ...process.env, ATELIER_DATA_DIR: dir, PORT: "0", HOST: "127.0.0.1", COMFYUI_URL: "http://127.0.0.1:9" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve({ child, port: (JSON.parse(line) as { port: number }).port });
    });
    child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
    child.on("exit", (code) => reject(new Error(`server exited (${code}) before listening: ${err}`)));
  });
}

function clientFor(port: number) {
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: `http://127.0.0.1:${port}/api/trpc` })] });
}

function withSteps(doc: WorkflowDocument, steps: number, text: string): WorkflowDocument {
  return {
    ...doc,
    graph: {
      ...doc.graph,
      nodes: doc.graph.nodes.map((n) =>
        n.type === "KSampler" ? { ...n, widgets: { ...n.widgets, steps } } : n.id === "6" ? { ...n, widgets: { ...n.widgets, text } } : n,
      ),
    },
  };
}

describe("kill -9 during a burst of saves", () => {
  it("reopens cleanly with every acknowledged save present and no half snapshot", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "atelier-crash-"));
    const first = await startServerProcess(dataDir);
    const client = clientFor(first.port);
    const writers = 4;
    const workflows = await Promise.all(
      Array.from({ length: writers }, (_, i) => client.workflow.create.mutate({ name: `crash ${i}`, document: createStarterDocument(`crash ${i}`) })),
    );
    const acknowledged: { workflowId: string; versionId: number; documentHash: string; sent: string }[] = [];
    let killed = false;
    // Four writers save back to back (each on its own head) so a save is in flight at any moment; the process dies after 60 acknowledgements.
    const writer = async (wf: (typeof workflows)[number], w: number) => {
      let base = wf.head.id;
      // A long prompt makes each body a few hundred KB, so the kill lands while SQLite is writing.
      const filler = "x".repeat(50_000);
      for (let i = 1; !killed; i++) {
        const doc = withSteps(wf.document, 1 + ((i * 7 + w) % 150), `${filler} writer ${w} save ${i}`);
        try {
          const r = await client.workflow.save.mutate({ id: wf.id, baseVersionId: base, document: doc, message: `save ${i}` });
          acknowledged.push({ workflowId: wf.id, versionId: r.version.id, documentHash: r.version.documentHash, sent: hashFullDocument(doc) });
          base = r.version.id;
          if (acknowledged.length >= 60 && !killed) {
            killed = true;
            first.child.kill("SIGKILL");
          }
        } catch {
          // The connection died with the process: this save was never acknowledged.
          return;
        }
      }
    };
    await Promise.all(workflows.map((wf, w) => writer(wf, w)));
    await new Promise<void>((resolve) => (first.child.exitCode !== null || first.child.signalCode !== null ? resolve() : first.child.once("exit", () => resolve())));
    expect(first.child.signalCode).toBe("SIGKILL");
    expect(acknowledged.length).toBeGreaterThanOrEqual(60);
    expect(acknowledged.filter((a) => a.documentHash !== a.sent)).toEqual([]);

    // The file as SQLite sees it after the crash: intact, and every row whole.
    const raw = new Database(join(dataDir, "atelier.db"));
    expect(raw.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(raw.pragma("foreign_key_check")).toEqual([]);
    expect(raw.prepare("SELECT COUNT(*) AS n FROM versions v LEFT JOIN documents d ON d.hash = v.document_hash WHERE d.hash IS NULL").get()).toEqual({ n: 0 });
    expect(raw.prepare("SELECT COUNT(*) AS n FROM workflows w LEFT JOIN versions v ON v.id = w.head_id WHERE v.id IS NULL").get()).toEqual({ n: 0 });
    raw.close();

    // Every stored body hashes to its key (no torn write), and every acknowledged save is there.
    const db = openDatabase(dataDir);
    const repo = createWorkflowRepository(db);
    for (const ack of acknowledged) {
      const { version, document } = repo.getVersionOrThrow(ack.versionId);
      expect(version.documentHash).toBe(ack.documentHash);
      expect(hashFullDocument(document)).toBe(ack.documentHash);
    }
    for (const wf of workflows) {
      const last = acknowledged.filter((a) => a.workflowId === wf.id).at(-1)!;
      // The head is the last acknowledged save, or one more that committed just before the kill without its answer getting out.
      expect(repo.getOrThrow(wf.id).head.id).toBeGreaterThanOrEqual(last.versionId);
    }
    db.close();

    // And a restarted server serves them.
    const second = await startServerProcess(dataDir);
    const again = clientFor(second.port);
    const history = await again.version.history.query({ workflowId: workflows[0]!.id, limit: 500 });
    const acked0 = acknowledged.filter((a) => a.workflowId === workflows[0]!.id).map((a) => a.versionId);
    expect(history.entries.map((e) => e.id)).toEqual(expect.arrayContaining(acked0));
    second.child.kill("SIGTERM");
  }, 90_000);
});
