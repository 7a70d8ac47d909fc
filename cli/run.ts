import { mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { compileToPrompt } from "@/lib/compile";
import type { NodeCatalogue } from "@/lib/graph/catalogue";
import type { WorkflowDocument } from "@/lib/graph/model";
import { ComfyClient, type ApiPrompt, type RunEvent, type RunResult } from "@/server/comfyui";
import { fileRefsOf } from "@/server/runs/manager";
import type { CliContext } from "./main";

export interface RunHelpers {
  needFiles: (ctx: CliContext, count: number, command: string) => string[];
  loadDocument: (path: string, catalogue: NodeCatalogue) => Promise<{ document: WorkflowDocument }>;
  unreadable: (message: string) => Error;
  usage: (message: string) => Error;
}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_UNREACHABLE = 2;

/** `atelier run <file> --server URL [--out dir] [--json]`: compiles, runs on ComfyUI, prints node progress, saves outputs. */
export async function runCommand(ctx: CliContext, helpers: RunHelpers): Promise<number> {
  const [file] = helpers.needFiles(ctx, 1, "run");
  const server = ctx.args.flags.get("server");
  if (typeof server !== "string") throw helpers.usage('run needs --server <url> (the ComfyUI to run on, e.g. http://127.0.0.1:8188).');
  const outFlag = ctx.args.flags.get("out");
  const outDir = typeof outFlag === "string" ? outFlag : ".";
  // With --json, stdout carries only the result; progress goes to stderr.
  const say = (line: string) => (ctx.json ? ctx.io.err(line + "\n") : ctx.io.out(line + "\n"));

  const comfy = new ComfyClient({ baseUrl: server, retry: { attempts: 2 }, timeouts: { connectMs: 5_000 } });
  try {
    let catalogue: NodeCatalogue;
    try {
      catalogue = (await comfy.getNodeCatalogue()).catalogue;
    } catch (error) {
      return fail(ctx, EXIT_UNREACHABLE, (error as Error).message);
    }
    const { document } = await helpers.loadDocument(file!, catalogue);
    const compiled = compileToPrompt(document, catalogue);
    const errors = compiled.issues.filter((i) => i.severity === "error");
    if (errors.length > 0) {
      return fail(ctx, EXIT_FAILED, `${file}: not sent, the workflow does not compile for ComfyUI at ${comfy.baseUrl}:\n${errors.map((i) => `  ${i.message}`).join("\n")}`, { issues: errors });
    }
    const prompt = compiled.prompt as unknown as ApiPrompt;
    const types = Object.fromEntries(Object.entries(prompt).map(([id, n]) => [id, n.class_type]));
    const lastTenth = new Map<string, number>();
    const onEvent = (event: RunEvent) => {
      switch (event.type) {
        case "queued":
          say(`queued as prompt ${event.promptId} on ${comfy.baseUrl}`);
          break;
        case "cached":
          if (event.nodes.length > 0) say(`cached: ${event.nodes.map((id) => `${id} ${types[id] ?? ""}`.trim()).join(", ")}`);
          break;
        case "executing":
          say(`node ${event.nodeId} ${types[event.nodeId] ?? ""} running`);
          break;
        case "progress": {
          // A line per tenth, not per step: a 1000-step sampler stays readable.
          const tenth = Math.floor((event.value / Math.max(1, event.max)) * 10);
          if (lastTenth.get(event.nodeId) !== tenth) {
            lastTenth.set(event.nodeId, tenth);
            say(`node ${event.nodeId} ${types[event.nodeId] ?? ""} ${event.value}/${event.max}`);
          }
          break;
        }
        case "connection":
          say(`connection ${event.state}: ${event.detail}`);
          break;
        default:
          break;
      }
    };
    let result: RunResult;
    try {
      result = await comfy.runPrompt(prompt, { onEvent });
    } catch (error) {
      return fail(ctx, EXIT_UNREACHABLE, (error as Error).message);
    }
    if (result.status === "rejected") {
      return fail(ctx, EXIT_FAILED, result.summary, { issues: result.issues.map(({ nodeId, classType, inputName, type, message }) => ({ nodeId, classType, inputName, type, message })) });
    }
    const saved: string[] = [];
    const problems: string[] = [];
    await mkdir(outDir, { recursive: true });
    for (const [nodeId, output] of Object.entries(result.outputs)) {
      for (const ref of fileRefsOf(output)) {
        if (ref.type === "temp") continue;
        try {
          const { data } = await comfy.view(ref);
          const target = join(outDir, basename(ref.filename).replace(/[^\w.-]+/g, "_"));
          await writeFile(target, data);
          saved.push(target);
          say(`saved ${target} (node ${nodeId})`);
        } catch (error) {
          problems.push((error as Error).message);
          ctx.io.err(`could not save ${ref.filename}: ${(error as Error).message}\n`);
        }
      }
    }
    const error = result.error ? { nodeId: result.error.node_id, nodeType: result.error.node_type, exceptionType: result.error.exception_type, message: result.error.exception_message, traceback: result.error.traceback } : null;
    if (result.status === "error" && error) say(`node ${error.nodeId} ${error.nodeType} raised ${error.exceptionType}: ${error.message}`);
    if (result.status === "lost") say(result.detail ?? "ComfyUI lost the prompt.");
    say(`${result.status}: ${saved.length} output${saved.length === 1 ? "" : "s"} saved`);
    if (ctx.json) ctx.io.out(JSON.stringify({ ok: result.status === "success", status: result.status, promptId: result.promptId, server: comfy.baseUrl, outputs: saved, cachedNodes: result.cachedNodes, error, detail: result.detail, problems }, null, 2) + "\n");
    return result.status === "success" && problems.length === 0 ? EXIT_OK : EXIT_FAILED;
  } finally {
    comfy.close();
  }
}

function fail(ctx: CliContext, code: number, message: string, extra: Record<string, unknown> = {}): number {
  if (ctx.json) ctx.io.out(JSON.stringify({ ok: false, error: message, ...extra }, null, 2) + "\n");
  ctx.io.err(`atelier run: ${message}\n`);
  return code;
}
