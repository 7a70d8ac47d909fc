import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildDocument, buildTxt2ImgGraph } from "@/lib/testing";
import { startSimulator, type Simulator } from "@/server/comfyui";
import { readEnv } from "@/server/env";
import { createServices, type Services } from "@/server/services";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function services(dataDir: string, comfyuiUrl: string): Services {
  const read = readEnv({ ATELIER_DATA_DIR: dataDir, COMFYUI_URL: comfyuiUrl });
  if (!read.ok) throw new Error(read.problems.join("; "));
  const s = createServices(read.env, { templatesDir: null });
  cleanups.push(() => s.close());
  return s;
}

async function startLongRun(s: Services): Promise<string> {
  const run = await s.runManager.start({ document: buildDocument(buildTxt2ImgGraph({ steps: 40, checkpoint: "sim-sd15.safetensors" })) });
  await new Promise<void>((resolve) => {
    const { unsubscribe } = s.runManager.subscribe(run.id, (e) => {
      if (e.type === "node" && e.nodeId === "3" && e.node.value >= 2) {
        unsubscribe();
        resolve();
      }
    });
  });
  return run.id;
}

describe("runs in flight when Atelier stops", () => {
  it("are finished from ComfyUI's history on the next start, outputs downloaded", async () => {
    const comfy = await startSimulator({ nodeDelayMs: 2, stepDelayMs: 10 });
    cleanups.push(() => comfy.close());
    const dataDir = mkdtempSync(join(tmpdir(), "atelier-recovery-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

    const first = services(dataDir, comfy.url);
    const runId = await startLongRun(first);
    first.close();

    const second = services(dataDir, comfy.url);
    await second.runsRecovered;
    const run = second.runs.getOrThrow(runId);
    expect(run).toMatchObject({ status: "success", detail: "Recovered from ComfyUI's history after Atelier restarted." });
    expect(run.outputs).toHaveLength(1);
    expect(existsSync(join(dataDir, second.runs.getOutput(runId, 0)!.localPath!))).toBe(true);
  });

  it("are marked unknown when ComfyUI no longer knows them", async () => {
    const comfy = await startSimulator({ nodeDelayMs: 2, stepDelayMs: 10 });
    const port = comfy.port;
    const dataDir = mkdtempSync(join(tmpdir(), "atelier-recovery-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

    const first = services(dataDir, comfy.url);
    const runId = await startLongRun(first);
    first.close();
    await comfy.close();
    const restarted: Simulator = await startSimulator({ port });
    cleanups.push(() => restarted.close());

    const second = services(dataDir, restarted.url);
    await second.runsRecovered;
    expect(second.runs.getOrThrow(runId)).toMatchObject({ status: "unknown", detail: expect.stringContaining(`ComfyUI at ${restarted.url} no longer knows prompt`) });
  });
});
