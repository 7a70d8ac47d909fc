import { BUNDLED_CATALOGUE, type NodeCatalogue } from "@/lib/graph";
import type { ComfyClient } from "@/server/comfyui";

export type CatalogueAnswer = {
  source: "server" | "bundled";
  serverUrl: string;
  catalogue: NodeCatalogue;
  /** SHA-256 of /object_info; null for the bundled catalogue. */
  fingerprint: string | null;
  fetchedAt: number | null;
  /** Why the bundled catalogue is served. */
  reason: string | null;
  skipped: { classType: string; problem: string }[];
};

/** The connected server's node catalogue, or the bundled one with the reason ComfyUI's could not be had. */
export async function getCatalogue(comfy: ComfyClient, options: { refresh?: boolean } = {}): Promise<CatalogueAnswer> {
  try {
    const snap = await comfy.getNodeCatalogue({ refresh: options.refresh });
    return { source: "server", serverUrl: comfy.baseUrl, catalogue: snap.catalogue, fingerprint: snap.fingerprint, fetchedAt: snap.fetchedAt, reason: null, skipped: snap.skipped };
  } catch (error) {
    return {
      source: "bundled",
      serverUrl: comfy.baseUrl,
      catalogue: BUNDLED_CATALOGUE,
      fingerprint: null,
      fetchedAt: null,
      reason: `Showing Atelier's bundled core nodes: ${(error as Error).message}`,
      skipped: [],
    };
  }
}

export type ComfyStatus = {
  url: string;
  reachable: boolean;
  problem: string | null;
  queueRunning: number;
  queuePending: number;
  system: { comfyuiVersion: string; pythonVersion: string; os: string; devices: { name: string; type: string; vramTotal: number; vramFree: number }[] } | null;
};

/** Whether ComfyUI answers, with its queue length and system stats. */
export async function getComfyStatus(comfy: ComfyClient): Promise<ComfyStatus> {
  try {
    const [stats, queue] = await Promise.all([comfy.getSystemStats(), comfy.getQueue()]);
    const devices = (stats.devices as { name?: string; type?: string; vram_total?: number; vram_free?: number }[] | undefined) ?? [];
    return {
      url: comfy.baseUrl,
      reachable: true,
      problem: null,
      queueRunning: queue.queue_running.length,
      queuePending: queue.queue_pending.length,
      system: {
        comfyuiVersion: stats.system.comfyui_version,
        pythonVersion: stats.system.python_version,
        os: stats.system.os,
        devices: devices.map((d) => ({ name: d.name ?? "", type: d.type ?? "", vramTotal: d.vram_total ?? 0, vramFree: d.vram_free ?? 0 })),
      },
    };
  } catch (error) {
    return { url: comfy.baseUrl, reachable: false, problem: (error as Error).message, queueRunning: 0, queuePending: 0, system: null };
  }
}
