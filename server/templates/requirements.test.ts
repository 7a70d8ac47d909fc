import { describe, expect, it } from "vitest";
import { BUNDLED_CATALOGUE } from "@/lib/graph";
import { startSimulator } from "@/server/comfyui";
import { startTestServer } from "@/server/testing/app-server";
import { createTestHarness } from "@/server/testing/harness";

const { defer } = createTestHarness();

/** The app against a simulator that has the SD 1.5 checkpoint and one LoRA, and lacks LatentUpscaleBy. */
async function setup() {
  const catalogue = { ...BUNDLED_CATALOGUE };
  delete catalogue.LatentUpscaleBy;
  const comfy = await startSimulator({ catalogue, models: { checkpoints: ["v1-5-pruned-emaonly.safetensors"], loras: ["add_detail.safetensors"] } });
  defer(() => comfy.close());
  const server = await startTestServer({ COMFYUI_URL: comfy.url });
  defer(() => server.stop());
  return { comfy, api: server.client() };
}

describe("template requirements against the ComfyUI server", () => {
  it("lists, for the latest version of each template, the node types and declared models the server lacks", async () => {
    const { comfy, api } = await setup();
    const answer = await api.template.requirements.query();
    expect(answer.serverUrl).toBe(comfy.url);
    expect(answer.problem).toBeNull();
    // Runs as is: everything it needs is there.
    expect(answer.shortfalls["txt2img-sd15"]).toBeUndefined();
    expect(answer.shortfalls["hires-fix"]).toEqual({ "1.1.0": { nodeTypes: [{ classType: "LatentUpscaleBy", nodes: [expect.stringMatching(/^node \d+$/)] }], models: [] } });
    expect(answer.shortfalls["lora-stack"]).toEqual({
      "2.0.0": { nodeTypes: [], models: [expect.objectContaining({ name: "watercolor_style.safetensors" }), expect.objectContaining({ name: "film_grain.safetensors" })] },
    });
  });

  it("checks every version of one template, and refuses an unknown one by name", async () => {
    const { api } = await setup();
    const answer = await api.template.requirements.query({ id: "lora-stack" });
    expect(Object.keys(answer.shortfalls)).toEqual(["lora-stack"]);
    expect(Object.keys(answer.shortfalls["lora-stack"]!).sort()).toEqual(["1.0.0", "1.1.0", "2.0.0"]);
    expect(answer.shortfalls["lora-stack"]!["1.0.0"]!.models.map((m) => m.name)).toEqual(["watercolor_style.safetensors"]);
    await expect(api.template.requirements.query({ id: "no-such-template" })).rejects.toThrow('Template "no-such-template" does not exist.');
  });

  it("says why nothing could be checked when ComfyUI does not answer", async () => {
    const server = await startTestServer({ COMFYUI_URL: "http://127.0.0.1:9", COMFYUI_CONNECT_TIMEOUT_MS: "500" });
    defer(() => server.stop());
    const answer = await server.client().template.requirements.query();
    expect(answer.shortfalls).toEqual({});
    expect(answer.problem).toContain("Could not check templates against ComfyUI at http://127.0.0.1:9");
  });

  it("names the template a workflow was made from when its run needs a node type the server lacks", async () => {
    const { comfy, api } = await setup();
    const { workflow } = await api.template.use.mutate({ templateId: "hires-fix" });
    const run = await api.run.start.mutate({ workflowId: workflow.id });
    expect(run.status).toBe("rejected");
    expect(run.rejection!.issues).toEqual([
      expect.objectContaining({
        classType: "LatentUpscaleBy",
        type: "missing-node-type",
        message: expect.stringMatching(new RegExp(`^ComfyUI at ${comfy.url} has no node type "LatentUpscaleBy" \\(needed by node \\d+ of this workflow, made from template "hires-fix" 1\\.1\\.0\\); it may be an older ComfyUI\\.$`)),
      }),
    ]);
  });
});
