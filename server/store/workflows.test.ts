import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStarterDocument } from "@/lib/graph/starter";
import type { WorkflowDocument } from "@/lib/graph/model";
import { AppError } from "@/server/errors";
import { openDatabase, type Db } from "./db";
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
});
