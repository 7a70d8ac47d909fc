import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStarterDocument } from "@/lib/graph/starter";
import type { WorkflowDocument } from "@/lib/graph/model";
import { startTestServer } from "@/server/testing/app-server";

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

function setWidget(doc: WorkflowDocument, nodeId: string, input: string, value: string | number): WorkflowDocument {
  return { ...doc, graph: { ...doc.graph, nodes: doc.graph.nodes.map((n) => (n.id === nodeId ? { ...n, widgets: { ...n.widgets, [input]: value } } : n)) } };
}

function codeOf(reason: unknown): string | undefined {
  return reason instanceof TRPCClientError ? (reason.data as { code?: string } | undefined)?.code : undefined;
}

describe("versions over the real server", () => {
  it("lets exactly one of two concurrent saves on the same head win; the other gets CONFLICT and loses nothing", async () => {
    const alice = server.client();
    const bob = server.client();
    for (let round = 0; round < 10; round++) {
      const wf = await alice.workflow.create.mutate({ name: `race ${round}`, document: createStarterDocument("race") });
      const mineA = setWidget(wf.document, "3", "steps", 30 + round);
      const mineB = setWidget(wf.document, "6", "text", `bob's prompt ${round}`);
      const [a, b] = await Promise.allSettled([
        alice.workflow.save.mutate({ id: wf.id, baseVersionId: wf.head.id, document: mineA, author: "alice" }),
        bob.workflow.save.mutate({ id: wf.id, baseVersionId: wf.head.id, document: mineB, author: "bob" }),
      ]);
      const results = [a, b];
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(codeOf(lost.reason)).toBe("CONFLICT");
      expect((lost.reason as Error).message).toMatch(/saved elsewhere/);
      const loserDoc = a.status === "rejected" ? mineA : mineB;
      const loser = a.status === "rejected" ? alice : bob;

      // The loser rebases onto the winner (different inputs, so it merges) and saves on the new head.
      const head = await loser.workflow.get.query({ id: wf.id });
      const rebased = await loser.version.rebase.mutate({ workflowId: wf.id, baseVersionId: wf.head.id, document: loserDoc });
      expect(rebased.ok).toBe(true);
      if (!rebased.ok) return;
      expect(rebased.headVersionId).toBe(head.head.id);
      await loser.workflow.save.mutate({ id: wf.id, baseVersionId: rebased.headVersionId, document: rebased.document, message: "rebased" });
      const final = await alice.workflow.get.query({ id: wf.id });
      const ks = final.document.graph.nodes.find((n) => n.id === "3")!;
      const pos = final.document.graph.nodes.find((n) => n.id === "6")!;
      expect(ks.widgets.steps).toBe(30 + round);
      expect(pos.widgets.text).toBe(`bob's prompt ${round}`);
      const history = await alice.version.history.query({ workflowId: wf.id });
      expect(history.entries.map((e) => e.message)).toEqual(["rebased", "", "Created"]);
    }
  });

  it("keeps the losing side as a branch when both changed the same input", async () => {
    const c = server.client();
    const wf = await c.workflow.create.mutate({ name: "same input", document: createStarterDocument("x") });
    await c.workflow.save.mutate({ id: wf.id, baseVersionId: wf.head.id, document: setWidget(wf.document, "3", "steps", 11) });
    const mine = setWidget(wf.document, "3", "steps", 12);
    const conflict = await c.workflow.save.mutate({ id: wf.id, baseVersionId: wf.head.id, document: mine }).catch((e: unknown) => e);
    expect(codeOf(conflict)).toBe("CONFLICT");
    const rebased = await c.version.rebase.mutate({ workflowId: wf.id, baseVersionId: wf.head.id, document: mine });
    expect(rebased.ok ? [] : rebased.conflicts.map((x) => [x.nodeId, x.input, x.theirs, x.mine])).toEqual([["3", "steps", 11, 12]]);
    const branch = await c.version.saveAsBranch.mutate({ workflowId: wf.id, baseVersionId: wf.head.id, document: mine, author: "me" });
    expect(branch.document.graph.nodes.find((n) => n.id === "3")!.widgets.steps).toBe(12);
    expect((await c.workflow.get.query({ id: wf.id })).document.graph.nodes.find((n) => n.id === "3")!.widgets.steps).toBe(11);
  });

  it("restores, forks, diffs and autosaves drafts through tRPC", async () => {
    const c = server.client();
    const wf = await c.workflow.create.mutate({ name: "ops", document: createStarterDocument("ops") });
    const v2 = await c.workflow.save.mutate({ id: wf.id, baseVersionId: wf.head.id, document: setWidget(wf.document, "3", "steps", 44), message: "44 steps" });
    const diff = await c.version.diff.query({ fromVersionId: wf.head.id, toVersionId: v2.version.id });
    expect(diff.diff.graph.nodesChanged).toEqual([{ nodeId: "3", widgets: [{ input: "steps", before: 20, after: 44 }], controls: [] }]);
    const restored = await c.version.restore.mutate({ workflowId: wf.id, versionId: wf.head.id, author: "zed" });
    expect(restored.version).toMatchObject({ parentId: v2.version.id, author: "zed", documentHash: wf.head.documentHash });
    const fork = await c.version.fork.mutate({ versionId: v2.version.id, name: "fork" });
    expect(fork.document.graph.nodes.find((n) => n.id === "3")!.widgets.steps).toBe(44);

    expect(await c.version.getDraft.query({ workflowId: wf.id })).toBeNull();
    const draftDoc = setWidget(wf.document, "6", "text", "unsaved words");
    await c.version.putDraft.mutate({ workflowId: wf.id, baseVersionId: restored.version.id, document: draftDoc });
    expect(await c.version.getDraft.query({ workflowId: wf.id })).toMatchObject({ baseVersionId: restored.version.id, document: draftDoc });
    expect((await c.version.history.query({ workflowId: wf.id })).total).toBe(3);
  });

  it("uses a built-in template and answers a bad import with the JSON path", async () => {
    const c = server.client();
    const list = await c.template.list.query();
    expect(list).toHaveLength(8);
    const used = await c.template.use.mutate({ templateId: "hires-fix", values: { upscale_factor: 2 } });
    expect(used.workflow.document.graph.nodes.find((n) => n.id === "10")!.widgets.scale_by).toBe(2);
    const bad = await c.template.import.mutate({ text: JSON.stringify({ format: "atelier.template-export", formatVersion: 1, id: "x", versions: [{}] }) }).catch((e: unknown) => e);
    expect(codeOf(bad)).toBe("BAD_REQUEST");
    const problems = ((bad as TRPCClientError<never>).data as unknown as { appDetails: { problems: { path: string }[] } }).appDetails.problems;
    expect(problems.map((p) => p.path)).toContain("/versions/0");
  });
});
