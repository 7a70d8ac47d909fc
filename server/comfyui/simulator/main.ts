import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { zNodeCatalogue } from "@/lib/graph/catalogue";
import { startSimulator } from "./server";

/**
 * `npm run sim`: a ComfyUI-protocol simulator for trying the run path
 * without ComfyUI. Flags win over env: --port (SIM_PORT, 8188), --host
 * (SIM_HOST, 127.0.0.1), --data (SIM_DATA_DIR, .data/sim), --delay ms per
 * node (SIM_DELAY_MS, 30), --step-delay ms per sampler step
 * (SIM_STEP_DELAY_MS, 10), --catalogue <object_info.json> (default: the
 * bundled catalogue), --models checkpoints=a.safetensors,b.safetensors;loras=c.safetensors.
 */

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    data: { type: "string" },
    delay: { type: "string" },
    "step-delay": { type: "string" },
    catalogue: { type: "string" },
    models: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) {
  console.log("usage: npm run sim -- [--port 8188] [--host 127.0.0.1] [--data .data/sim] [--delay 30] [--step-delay 10] [--catalogue object_info.json] [--models checkpoints=a,b;loras=c]");
  process.exit(0);
}

function numberOption(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${flag} must be a non-negative number, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

function parseModels(raw: string | undefined): Record<string, string[]> | undefined {
  if (!raw) return undefined;
  return Object.fromEntries(
    raw.split(";").filter(Boolean).map((pair) => {
      const [folder, files = ""] = pair.split("=");
      return [folder!.trim(), files.split(",").map((f) => f.trim()).filter(Boolean)];
    }),
  );
}

function loadCatalogue(path: string | undefined) {
  if (!path) return undefined;
  const parsed = zNodeCatalogue.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) {
    console.error(`${path} is not an /object_info catalogue: ${parsed.error.issues[0]?.message ?? "invalid"} at ${parsed.error.issues[0]?.path.join(".") ?? "?"}`);
    process.exit(2);
  }
  return parsed.data;
}

const sim = await startSimulator({
  port: numberOption("port", values.port ?? process.env.SIM_PORT, 8188),
  host: values.host ?? process.env.SIM_HOST ?? "127.0.0.1",
  dataDir: values.data ?? process.env.SIM_DATA_DIR ?? ".data/sim",
  nodeDelayMs: numberOption("delay", values.delay ?? process.env.SIM_DELAY_MS, 30),
  stepDelayMs: numberOption("step-delay", values["step-delay"] ?? process.env.SIM_STEP_DELAY_MS, 10),
  catalogue: loadCatalogue(values.catalogue),
  models: parseModels(values.models),
  log: (line) => console.log(line),
});

console.log(`ComfyUI simulator ready at ${sim.url} (files in ${sim.dirs.output.replace(/output$/, "")})`);
const shutdown = () => void sim.close().then(() => process.exit(0));
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
