import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashDocument } from "@/lib/graph/hash";
import type { WorkflowDocument } from "@/lib/graph/model";
import { setEntry } from "@/lib/graph/records";
import { startTestServer } from "@/server/testing/app-server";

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const PROTO = "__proto__";

/** Renames node `from` to "__proto__" everywhere (node, edges, layout) and gives it a widget and a control named "__proto__" too. */
function withProtoNode(doc: WorkflowDocument, from: string): WorkflowDocument {
  const rename = <T extends string>(id: T): T => (id === from ? (PROTO as T) : id);
  const nodes = doc.graph.nodes.map((n) => {
    if (n.id !== from) return n;
    const widgets = { ...n.widgets };
    setEntry(widgets, PROTO, 42);
    const controls = { ...n.controls };
    setEntry(controls, PROTO, "increment");
    return { ...n, id: rename(n.id), widgets, controls };
  });
  const edges = doc.graph.edges.map((e) => ({ ...e, source: rename(e.source), target: rename(e.target) }));
  const layoutNodes: WorkflowDocument["layout"]["nodes"] = {};
  for (const [id, place] of Object.entries(doc.layout.nodes)) setEntry(layoutNodes, rename(id), place);
  const extra = {};
  setEntry(extra, PROTO, { kept: true });
  return { ...doc, graph: { nodes, edges }, layout: { ...doc.layout, nodes: layoutNodes }, metadata: { ...doc.metadata, extra } };
}

describe("workflows whose node ids and widget names are \"__proto__\", over the real server", () => {
  it("saves and reads back a document with a node \"__proto__\" without losing anything, under the same hash", async () => {
    const client = server.client();
    const created = await client.workflow.create.mutate({ name: "prototype names" });
    const doc = withProtoNode(created.document, "3");
    const text = JSON.stringify(doc);
    expect(text.match(/"__proto__"/g)).toHaveLength(5 + doc.graph.edges.filter((e) => e.source === PROTO || e.target === PROTO).length);
    expect(doc.graph.nodes.map((n) => n.id)).toContain(PROTO);

    const saved = await client.workflow.save.mutate({ id: created.id, baseVersionId: created.head.id, document: doc, message: "prototype" });
    expect(saved.created).toBe(true);
    expect(saved.version.graphHash).toBe(hashDocument(doc));

    const head = await server.client().workflow.get.query({ id: created.id });
    expect(JSON.stringify(head.document)).toBe(text);
    expect(head.head.graphHash).toBe(hashDocument(doc));
    expect(hashDocument(head.document)).toBe(hashDocument(doc));
    const version = await client.version.get.query({ versionId: saved.version.id });
    expect(JSON.stringify(version.document)).toBe(text);

    // Saving what was read back changes nothing: the server sees the same document.
    const again = await client.workflow.save.mutate({ id: created.id, baseVersionId: saved.version.id, document: head.document });
    expect(again).toEqual({ version: saved.version, created: false });
  });

  it("keeps a \"__proto__\" node in a draft", async () => {
    const client = server.client();
    const created = await client.workflow.create.mutate({ name: "draft" });
    const doc = withProtoNode(created.document, "3");
    await client.version.putDraft.mutate({ workflowId: created.id, baseVersionId: created.head.id, document: doc });
    const draft = await client.version.getDraft.query({ workflowId: created.id });
    expect(JSON.stringify(draft?.document)).toBe(JSON.stringify(doc));
  });

  it("names the \"__proto__\" node's layout entry when it is broken", async () => {
    const client = server.client();
    const created = await client.workflow.create.mutate({ name: "broken" });
    const doc = JSON.parse(JSON.stringify(withProtoNode(created.document, "3")).replace(/("__proto__":\{"x":)[-0-9.e]+/, '$1"left"')) as WorkflowDocument;
    const failure = await client.workflow.save.mutate({ id: created.id, baseVersionId: created.head.id, document: doc }).catch((e: unknown) => e);
    expect((failure as Error).message).toMatch(/^document\.layout\.nodes\.__proto__\.x: Invalid input: expected number, received string/);
  });
});
