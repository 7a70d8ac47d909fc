import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStarterDocument } from "@/lib/graph/starter";
import type { WorkflowDocument } from "@/lib/graph/model";
import { AppError } from "@/server/errors";
import { openDatabase, type Db } from "./db";
import { hashDocument } from "@/lib/graph/hash";
import { hashFullDocument } from "@/lib/versions/hash";
import { createDraftRepository } from "./drafts";
import { createWorkflowRepository } from "./workflows";

let dir: string;
let db: Db;
let clock: number;
const repo = () => createWorkflowRepository(db, { now: () => ++clock });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "atelier-store-"));
  db = openDatabase(dir);
  clock = 1_000;
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function moved(doc: WorkflowDocument, id: string, dx: number): WorkflowDocument {
  const l = doc.layout.nodes[id]!;
  return { ...doc, layout: { ...doc.layout, nodes: { ...doc.layout.nodes, [id]: { ...l, x: l.x + dx } } } };
}

function withSteps(doc: WorkflowDocument, steps: number): WorkflowDocument {
  return {
    ...doc,
    graph: { ...doc.graph, nodes: doc.graph.nodes.map((n) => (n.type === "KSampler" ? { ...n, widgets: { ...n.widgets, steps } } : n)) },
  };
}

describe("workflow repository", () => {
  it("creates a workflow whose head holds the given document", () => {
    const doc = createStarterDocument("Lighthouse");
    const wf = repo().create({ name: "Lighthouse", document: doc });
    expect(wf.name).toBe("Lighthouse");
    expect(wf.document).toEqual(doc);
    expect(wf.head).toMatchObject({ parentId: null, layoutOnly: false, message: "Created" });
    expect(repo().list()).toEqual([expect.objectContaining({ id: wf.id, name: "Lighthouse", nodeCount: 7, headId: wf.head.id })]);
  });

  it("saves a change as a new head whose parent is the old head", () => {
    const r = repo();
    const wf = r.create({ name: "A", document: createStarterDocument("A") });
    const saved = r.save({ id: wf.id, baseVersionId: wf.head.id, document: withSteps(wf.document, 30), message: "more steps" });
    expect(saved.created).toBe(true);
    expect(saved.version).toMatchObject({ parentId: wf.head.id, layoutOnly: false, message: "more steps" });
    expect(r.getOrThrow(wf.id).document.graph.nodes.find((n) => n.type === "KSampler")?.widgets.steps).toBe(30);
  });

  it("creates nothing when the document is unchanged, whatever its key order", () => {
    const r = repo();
    const wf = r.create({ name: "A", document: createStarterDocument("A") });
    const reordered = JSON.parse(JSON.stringify({ metadata: wf.document.metadata, layout: wf.document.layout, graph: wf.document.graph, version: 1, format: wf.document.format }));
    const saved = r.save({ id: wf.id, baseVersionId: wf.head.id, document: reordered });
    expect(saved).toEqual({ version: wf.head, created: false });
    expect(db.prepare("SELECT COUNT(*) AS n FROM versions").get()).toEqual({ n: 1 });
  });

  it("flags a save that only moved nodes as layout-only", () => {
    const r = repo();
    const wf = r.create({ name: "A", document: createStarterDocument("A") });
    const saved = r.save({ id: wf.id, baseVersionId: wf.head.id, document: moved(wf.document, "3", 50) });
    expect(saved.created).toBe(true);
    expect(saved.version.layoutOnly).toBe(true);
    expect(saved.version.graphHash).toBe(wf.head.graphHash);
  });

  it("refuses a save based on a stale head as a conflict and keeps the winner", () => {
    const r = repo();
    const wf = r.create({ name: "A", document: createStarterDocument("A") });
    const first = r.save({ id: wf.id, baseVersionId: wf.head.id, document: withSteps(wf.document, 25) });
    let error: unknown;
    try {
      r.save({ id: wf.id, baseVersionId: wf.head.id, document: withSteps(wf.document, 40) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("CONFLICT");
    expect((error as AppError).message).toMatch(/saved elsewhere/);
    expect(r.getOrThrow(wf.id).head.id).toBe(first.version.id);
    expect(r.getOrThrow(wf.id).document.graph.nodes.find((n) => n.type === "KSampler")?.widgets.steps).toBe(25);
  });

  it("stores a document body once even when two workflows save the same content", () => {
    const r = repo();
    const doc = createStarterDocument("same");
    r.create({ name: "one", document: doc });
    r.create({ name: "two", document: doc });
    expect(db.prepare("SELECT COUNT(*) AS n FROM documents").get()).toEqual({ n: 1 });
    expect(db.prepare("SELECT COUNT(*) AS n FROM versions").get()).toEqual({ n: 2 });
  });

  it("answers NOT_FOUND for a missing or deleted workflow", () => {
    const r = repo();
    const wf = r.create({ name: "A", document: createStarterDocument("A") });
    r.delete(wf.id);
    expect(() => r.getOrThrow(wf.id)).toThrow(/does not exist/);
    expect(() => r.save({ id: "nope", baseVersionId: null, document: wf.document })).toThrow(/does not exist/);
    expect(r.list()).toEqual([]);
  });

  it("keeps every saved workflow across a reopen of the database", () => {
    const wf = repo().create({ name: "A", document: createStarterDocument("A") });
    db.close();
    db = openDatabase(dir);
    expect(repo().getOrThrow(wf.id).document).toEqual(wf.document);
  });

  it("refuses to open a database written by a newer Atelier", () => {
    db.pragma("user_version = 99");
    db.close();
    expect(() => (db = openDatabase(dir))).toThrow(/schema version 99/);
    db = openDatabase(dir, { fileName: "other.db" });
  });

  it("keys documents by lib's full-document hash and records lib's semantic hash, as the browser computes them", () => {
    const doc = createStarterDocument("A");
    const wf = repo().create({ name: "A", document: doc, author: "ada" });
    expect(wf.head).toMatchObject({ documentHash: hashFullDocument(doc), graphHash: hashDocument(doc), author: "ada" });
  });

  it("lists history newest first in pages, with parent, message, author and the head marked", () => {
    const r = repo();
    const wf = r.create({ name: "A", document: createStarterDocument("A") });
    let head = wf.head.id;
    for (let i = 1; i <= 4; i++) head = r.save({ id: wf.id, baseVersionId: head, document: withSteps(wf.document, 20 + i), message: `steps ${20 + i}`, author: "bo" }).version.id;
    const first = r.history({ id: wf.id, limit: 3 });
    expect(first.total).toBe(5);
    expect(first.entries.map((e) => e.message)).toEqual(["steps 24", "steps 23", "steps 22"]);
    expect(first.entries[0]).toMatchObject({ isHead: true, author: "bo", runCount: null, parentId: first.entries[1]!.id });
    const second = r.history({ id: wf.id, limit: 3, before: first.nextBefore! });
    expect(second.entries.map((e) => e.message)).toEqual(["steps 21", "Created"]);
    expect(second.nextBefore).toBeNull();
  });

  it("restores an old version as a new head whose parent is the current head", () => {
    const r = repo();
    const wf = r.create({ name: "A", document: createStarterDocument("A") });
    const second = r.save({ id: wf.id, baseVersionId: wf.head.id, document: withSteps(wf.document, 30) }).version;
    const restored = r.restore({ id: wf.id, versionId: wf.head.id, author: "cy" });
    expect(restored.created).toBe(true);
    expect(restored.version).toMatchObject({ parentId: second.id, documentHash: wf.head.documentHash, message: `Restored version ${wf.head.id}`, author: "cy" });
    expect(r.getOrThrow(wf.id).document).toEqual(wf.document);
    expect(r.history({ id: wf.id }).total).toBe(3);
  });

  it("forks a new workflow from any version and leaves the original untouched", () => {
    const r = repo();
    const wf = r.create({ name: "Orig", document: createStarterDocument("A") });
    r.save({ id: wf.id, baseVersionId: wf.head.id, document: withSteps(wf.document, 30) });
    const fork = r.fork({ versionId: wf.head.id });
    expect(fork.name).toBe(`Orig (fork of v${wf.head.id})`);
    expect(fork.document).toEqual(wf.document);
    expect(fork.head).toMatchObject({ parentId: null, message: `Forked from "Orig" version ${wf.head.id}` });
    expect(r.history({ id: wf.id }).total).toBe(2);
  });

  it("saves conflicting changes as a branch that starts at the version the person opened", () => {
    const r = repo();
    const wf = r.create({ name: "A", document: createStarterDocument("A") });
    r.save({ id: wf.id, baseVersionId: wf.head.id, document: withSteps(wf.document, 25) });
    const branch = r.saveAsBranch({ id: wf.id, baseVersionId: wf.head.id, document: withSteps(wf.document, 40), message: "mine" });
    expect(branch.document.graph.nodes.find((n) => n.type === "KSampler")?.widgets.steps).toBe(40);
    const history = r.history({ id: branch.id });
    expect(history.entries.map((e) => e.message)).toEqual(["mine", `Branched from "A" version ${wf.head.id}`]);
    expect(history.entries[0]!.parentId).toBe(history.entries[1]!.id);
  });

  it("drops the autosaved draft a save grew from, and keeps a draft on another base", () => {
    const r = repo();
    const drafts = createDraftRepository(db, { now: () => ++clock });
    const wf = r.create({ name: "A", document: createStarterDocument("A") });
    drafts.put({ workflowId: wf.id, baseVersionId: wf.head.id, document: withSteps(wf.document, 33) });
    expect(drafts.get(wf.id)).toMatchObject({ baseVersionId: wf.head.id, document: withSteps(wf.document, 33) });
    drafts.put({ workflowId: wf.id, baseVersionId: wf.head.id, document: withSteps(wf.document, 34) });
    expect(drafts.get(wf.id)?.document).toEqual(withSteps(wf.document, 34));
    const saved = r.save({ id: wf.id, baseVersionId: wf.head.id, document: withSteps(wf.document, 34) });
    expect(drafts.get(wf.id)).toBeUndefined();
    expect(r.history({ id: wf.id }).total).toBe(2);
    drafts.put({ workflowId: wf.id, baseVersionId: wf.head.id, document: withSteps(wf.document, 50) });
    r.save({ id: wf.id, baseVersionId: saved.version.id, document: withSteps(wf.document, 35) });
    expect(drafts.get(wf.id)?.baseVersionId).toBe(wf.head.id);
  });
});
