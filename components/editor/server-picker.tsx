"use client";

import { useQuery } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useState } from "react";
import { useTRPC } from "@/components/trpc";
import { ANY_SERVER, isAnyServer, pickRunServer, readRunServer, writeRunServer } from "./run-server";

export type RunServerChoice = {
  /** Every configured server (empty until the settings arrive). */
  servers: { url: string; name: string | null; isDefault: boolean }[];
  /** Where Run goes (null until the list is known); with `any`, the default server, whose catalogue the editor shows. */
  url: string | null;
  /** Run lets the server pick the configured server that fits (node types, model files, VRAM, shortest queue). */
  any: boolean;
  /** The URL to send with a request: undefined for the default server, so its answers share the default's cache. */
  requestUrl: string | undefined;
  /** A server URL, or ANY_SERVER. */
  pick: (url: string) => void;
};

/** The server the editor runs on: remembered per browser, the default one when nothing (still configured) is. */
export function useRunServerChoice(): RunServerChoice {
  const trpc = useTRPC();
  const settings = useQuery(trpc.system.settings.queryOptions(undefined, { staleTime: 30_000 }));
  const [remembered, setRemembered] = useState<string | null>(() => (typeof window === "undefined" ? null : readRunServer(window.localStorage)));
  const servers = settings.data?.servers ?? [];
  const url = pickRunServer(settings.data?.servers, remembered);
  const any = isAnyServer(settings.data?.servers, remembered);
  const isDefault = servers.find((s) => s.url === url)?.isDefault ?? true;
  const pick = useCallback((next: string) => {
    writeRunServer(window.localStorage, next);
    setRemembered(next);
  }, []);
  return { servers, url, any, requestUrl: url !== null && !isDefault ? url : undefined, pick };
}

/** The server the editor runs on, for widgets that talk to it (input image uploads); undefined means the default. */
export const RunServerContext = createContext<string | undefined>(undefined);

export function useRunServerUrl(): string | undefined {
  return useContext(RunServerContext);
}

/** A compact choice of server next to the Run button; nothing when only one server is configured. */
export function ServerPicker({ choice }: { choice: RunServerChoice }) {
  if (choice.servers.length < 2 || choice.url === null) return null;
  return (
    <select
      className="server-picker"
      aria-label="ComfyUI server to run on"
      title="The ComfyUI server Run (Ctrl+Enter) sends this workflow to"
      data-testid="server-picker"
      value={choice.any ? ANY_SERVER : choice.url}
      onChange={(e) => choice.pick(e.target.value)}
    >
      <option value={ANY_SERVER} title="The server that has every node type and model file the graph uses and enough VRAM, with the shortest queue">
        Any server that fits
      </option>
      {choice.servers.map((s) => (
        <option key={s.url} value={s.url}>
          {s.name ? `${s.name} (${hostOf(s.url)})` : hostOf(s.url)}
          {s.isDefault ? " · default" : ""}
        </option>
      ))}
    </select>
  );
}

function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return url;
  }
}
