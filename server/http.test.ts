import { TRPCClientError } from "@trpc/client";
import { afterEach, describe, expect, it } from "vitest";
import { createStarterDocument } from "@/lib/graph/starter";
import { startTestServer } from "@/server/testing/app-server";

type TestServer = Awaited<ReturnType<typeof startTestServer>>;
let running: TestServer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function errorOf(p: Promise<unknown>): Promise<TRPCClientError<never>> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TRPCClientError) return e as TRPCClientError<never>;
    throw e;
  }
  throw new Error("expected the call to fail");
}

describe("app server", () => {
  it("serves queries and mutations over HTTP and subscriptions over WebSocket on one port", async () => {
    running = await startTestServer();
    const api = running.client();
    expect(await api.workflow.list.query()).toEqual([]);
    const wf = await api.workflow.create.mutate({ name: "Lighthouse" });
    expect(wf.document.graph.nodes).toHaveLength(7);
    expect((await api.workflow.list.query()).map((w) => w.name)).toEqual(["Lighthouse"]);

    const beats: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const sub = api.system.onHeartbeat.subscribe(
        { intervalMs: 100 },
        {
          onData: (d) => {
            beats.push(d.beat);
            if (beats.length === 3) {
              sub.unsubscribe();
              resolve();
            }
          },
          onError: reject,
        },
      );
    });
    expect(beats).toEqual([0, 1, 2]);
  });

  it("turns a stale save into a CONFLICT a person can act on", async () => {
    running = await startTestServer();
    const api = running.client();
    const wf = await api.workflow.create.mutate({ name: "A" });
    const doc = createStarterDocument("A");
    const changed = { ...doc, metadata: { ...doc.metadata, description: "first" } };
    await api.workflow.save.mutate({ id: wf.id, baseVersionId: wf.head.id, document: changed });
    const err = await errorOf(api.workflow.save.mutate({ id: wf.id, baseVersionId: wf.head.id, document: { ...changed, metadata: { ...doc.metadata, description: "second" } } }));
    expect(err.data).toMatchObject({ code: "CONFLICT", httpStatus: 409, appCode: "CONFLICT" });
    expect(err.message).toMatch(/saved elsewhere since you opened it/);
  });

  it("names the field that failed input validation", async () => {
    running = await startTestServer();
    const err = await errorOf(running.client().workflow.create.mutate({ name: "   " }));
    expect(err.message).toBe("name: A workflow needs a name");
    expect(err.data).toMatchObject({ code: "BAD_REQUEST", zodError: { fieldErrors: { name: ["A workflow needs a name"] } } });
  });

  it("answers NOT_FOUND for a workflow that does not exist", async () => {
    running = await startTestServer();
    const err = await errorOf(running.client().workflow.get.query({ id: "missing" }));
    expect(err.data).toMatchObject({ code: "NOT_FOUND", httpStatus: 404 });
    expect(err.message).toBe("Workflow missing does not exist (it may have been deleted).");
  });

  it("requires the access token when one is configured, over HTTP and WebSocket", async () => {
    running = await startTestServer({ ATELIER_TOKEN: "correct-horse-battery" });
    const denied = await fetch(`${running.url}/api/trpc/workflow.list`);
    expect(denied.status).toBe(401);
    expect(await denied.text()).toMatch(/access token/);

    const api = running.client({ headers: { authorization: "Bearer correct-horse-battery" } });
    expect(await api.workflow.list.query()).toEqual([]);
    const beat = await new Promise((resolve, reject) => {
      const sub = api.system.onHeartbeat.subscribe({ intervalMs: 100 }, { onData: (d) => { sub.unsubscribe(); resolve(d.beat); }, onError: reject });
    });
    expect(beat).toBe(0);

    const viaLink = await fetch(`${running.url}/?token=correct-horse-battery`, { redirect: "manual" });
    expect(viaLink.status).toBe(302);
    expect(viaLink.headers.get("set-cookie")).toMatch(/^atelier_token=correct-horse-battery; HttpOnly/);
  });
});
