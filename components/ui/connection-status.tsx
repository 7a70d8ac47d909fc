"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { useTRPC } from "@/components/trpc";

/** Shows whether the live channel to the server (tRPC over WebSocket) is up. */
export function ConnectionStatus() {
  const trpc = useTRPC();
  const sub = useSubscription(trpc.system.onHeartbeat.subscriptionOptions({ intervalMs: 5_000 }));
  const connected = sub.status === "pending" && sub.data !== undefined;
  const label = connected ? "connected" : sub.status === "error" ? "disconnected" : "connecting…";
  return (
    <span className={`connection connection-${connected ? "up" : "down"}`} data-testid="connection-status" title={sub.error?.message}>
      <span className="connection-dot" aria-hidden /> {label}
    </span>
  );
}
