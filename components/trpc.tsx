"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import type { AppRouter } from "@/server/api/root";
import { immediateMutationLink } from "./immediate-link";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

function makeClient() {
  // Client components also render once on the server, where there is no
  // window and nothing is fetched: give that pass an HTTP-only client.
  if (typeof window === "undefined") {
    return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "http://127.0.0.1/api/trpc" })] });
  }
  const wsUrl = `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}/api/trpc-ws`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        // The WebSocket reconnects by itself; lazy so pages without subscriptions open none.
        true: wsLink({ client: createWSClient({ url: wsUrl, lazy: { enabled: true, closeMs: 10_000 } }) }),
        false: splitLink({
          // A batch leaves on the next task, and httpLink's request a few microtasks later, both after React has
          // rendered the click that made it (the run panel opening): a run start leaves at once, inside the click.
          condition: (op) => op.type === "mutation" && (op.path === "run.start" || op.path === "run.rerun"),
          true: immediateMutationLink<AppRouter>({ url: "/api/trpc" }),
          false: httpBatchLink({ url: "/api/trpc" }),
        }),
      }),
    ],
  });
}

/** Provides React Query and the typed tRPC client to every client component. */
export function TrpcProviders({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: false } } }),
  );
  const [trpcClient] = useState(makeClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
