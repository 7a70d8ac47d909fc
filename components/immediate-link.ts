import { TRPCClientError, type TRPCLink } from "@trpc/client";
import type { AnyRouter } from "@trpc/server";
import { observable } from "@trpc/server/observable";

/**
 * A terminating tRPC link for single mutations (no batching, no transformer) whose request leaves the moment the call
 * is made, inside the click that made it. httpLink awaits its headers before calling fetch, so its request leaves a
 * few microtasks later: after React has rendered what the click changed, because React flushes a click's updates in a
 * microtask queued as soon as the first state is set. For run.start that render (the run panel opening, the Run button
 * disabling) sat between the Run click and the request: about 2 ms on an idle page, 10 to 40 ms with ten editor pages
 * on two cores (bench/run.bench.ts).
 */
export function immediateMutationLink<TRouter extends AnyRouter>(options: { url: string; fetch?: typeof fetch }): TRPCLink<TRouter> {
  return () =>
    ({ op }) =>
      observable((observer) => {
        if (op.type !== "mutation") throw new Error(`immediateMutationLink sends mutations only; ${op.path} is a ${op.type}`);
        const abort = new AbortController();
        const onAbort = () => abort.abort(op.signal?.reason);
        op.signal?.addEventListener("abort", onAbort, { once: true });
        let done = false;
        const doFetch = options.fetch ?? globalThis.fetch;
        doFetch(`${options.url}/${op.path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: op.input === undefined ? undefined : JSON.stringify(op.input),
          signal: abort.signal,
        })
          .then(async (response) => {
            const text = await response.text();
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              throw new Error(`The server answered ${op.path} with HTTP ${response.status} and a body that is not JSON: ${text.slice(0, 120)}`);
            }
            const meta = { response, responseJSON: json };
            if (json && typeof json === "object" && "result" in json && !("error" in json)) {
              done = true;
              observer.next({ context: meta, result: (json as { result: { data: unknown } }).result });
              observer.complete();
              return;
            }
            // tRPC's error answer ({ error: { message, code, data } }) becomes the same TRPCClientError as from httpLink.
            if (json && typeof json === "object" && "error" in json) throw TRPCClientError.from(json, { meta });
            throw new Error(`The server answered ${op.path} with HTTP ${response.status} and neither a result nor an error: ${text.slice(0, 120)}`);
          })
          .catch((cause: unknown) => {
            done = true;
            observer.error(TRPCClientError.from(cause instanceof Error ? cause : new Error(String(cause))));
          })
          .finally(() => op.signal?.removeEventListener("abort", onAbort));
        return () => {
          if (!done) abort.abort();
        };
      });
}
