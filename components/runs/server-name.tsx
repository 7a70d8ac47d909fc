"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";

/** A ComfyUI server as people know it: its name from the settings page (the URL on hover), else its URL. */
export function ServerName({ url }: { url: string }) {
  const trpc = useTRPC();
  const settings = useQuery(trpc.system.settings.queryOptions(undefined, { staleTime: 30_000 }));
  const name = settings.data?.servers.find((s) => s.url === url)?.name;
  return name ? <span title={url}>{name}</span> : <>{url}</>;
}
