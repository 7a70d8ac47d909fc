import { createTRPCClient, isTRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { buildDocument, buildTxt2ImgGraph } from "@/lib/testing";
import type { AppRouter } from "@/server/api/root";
import { startTestServer } from "@/server/testing/app-server";
import { immediateMutationLink } from "./immediate-link";

/** A fetch that answers from `answer` and records when it was called relative to the caller's own steps. */
function fakeFetch(answer: (url: string, body: unknown) => { status: number; body: string }, steps: string[]) {
  return ((url: string, init: RequestInit) => {
    steps.push(`fetch ${url}`);
    const { status, body } = answer(url, init.body === undefined ? undefined : JSON.parse(String(init.body)));
    return Promise.resolve(new Response(body, { status, headers: { "content-type": "application/json" } }));
  }) as typeof fetch;
}

describe("immediateMutationLink", () => {
  it("calls fetch before the mutation call returns (no microtask in between) and resolves with the data", async () => {
    const steps: string[] = [];
    const bodies: unknown[] = [];
    const client = createTRPCClient<AppRouter>({
      links: [immediateMutationLink({ url: "/api/trpc", fetch: fakeFetch((_u, body) => (bodies.push(body), { status: 200, body: JSON.stringify({ result: { data: { id: "r1", status: "cancelled" } } }) }), steps) })],
    });
    const answer = client.run.cancel.mutate({ runId: "r1" });
    steps.push("mutate returned");
    queueMicrotask(() => steps.push("first microtask"));
    expect(await answer).toEqual({ id: "r1", status: "cancelled" });
    expect(steps).toEqual(["fetch /api/trpc/run.cancel", "mutate returned", "first microtask"]);
    expect(bodies).toEqual([{ runId: "r1" }]);
  });

  it("turns tRPC's error answer into a TRPCClientError with the server's message and code", async () => {
    const client = createTRPCClient<AppRouter>({
      links: [
        immediateMutationLink({
          url: "/api/trpc",
          fetch: fakeFetch(() => ({ status: 400, body: JSON.stringify({ error: { message: "ComfyUI at http://127.0.0.1:8188 did not answer", code: -32600, data: { code: "BAD_REQUEST", httpStatus: 400 } } }) }), []),
        }),
      ],
    });
    const error = await client.run.cancel.mutate({ runId: "r1" }).catch((e: unknown) => e);
    expect(isTRPCClientError(error)).toBe(true);
    expect(error).toMatchObject({ message: "ComfyUI at http://127.0.0.1:8188 did not answer", data: { code: "BAD_REQUEST" } });
  });

  it("says what came back when the answer is not JSON", async () => {
    const client = createTRPCClient<AppRouter>({ links: [immediateMutationLink({ url: "/api/trpc", fetch: fakeFetch(() => ({ status: 502, body: "<html>Bad Gateway</html>" }), []) })] });
    await expect(client.run.cancel.mutate({ runId: "r1" })).rejects.toThrow("The server answered run.cancel with HTTP 502 and a body that is not JSON: <html>Bad Gateway</html>");
  });

  it("gets the app server's answers and its domain errors as httpLink does", async () => {
    const server = await startTestServer();
    try {
      const client = createTRPCClient<AppRouter>({ links: [immediateMutationLink({ url: `${server.url}/api/trpc` })] });
      const created = await client.workflow.create.mutate({ name: "fox", document: buildDocument(buildTxt2ImgGraph()) });
      expect(created).toMatchObject({ name: "fox", head: { id: expect.any(Number) } });
      const refused = await client.run.start.mutate({ versionId: 987654 }).catch((e: unknown) => e);
      expect(isTRPCClientError(refused)).toBe(true);
      expect(refused).toMatchObject({ message: expect.stringContaining("987654"), data: { code: "NOT_FOUND" } });
    } finally {
      await server.stop();
    }
  });
});
