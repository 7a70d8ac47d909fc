import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3217);
// The ComfyUI simulator the app runs workflows on (fast: 5 ms a node, 5 ms a step).
const simPort = Number(process.env.E2E_SIM_PORT ?? 3218);
// A second simulator the app does not know about until a spec adds it on the settings page (e2e/servers.spec.ts).
const sim2Port = Number(process.env.E2E_SIM2_PORT ?? 3219);
const SIM2_MODELS = [
  "checkpoints=sim-sd15.safetensors,sim-sdxl.safetensors,gpu2-only.safetensors",
  "vae=sim-vae.safetensors",
  "loras=sim-lora.safetensors",
  "text_encoders=sim-clip-l.safetensors",
  "diffusion_models=sim-unet.safetensors",
  "controlnet=sim-controlnet.safetensors",
  "upscale_models=sim-4x-upscaler.pth",
].join(";");
process.env.E2E_SIM2_PORT = String(sim2Port);
// A fresh database for every run, so tests see only what they create.
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), "atelier-e2e-"));
process.env.E2E_DATA_DIR = dataDir;

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"], ["json", { outputFile: ".test-results/playwright.json" }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      // Debian's Chromium as root needs --no-sandbox; the network flags stop it
      // calling home, which this machine's closed network refuses noisily.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    },
  },
  webServer: [
    {
      command: `node --import tsx server/comfyui/simulator/main.ts --port ${simPort} --delay 5 --step-delay 5 --data ${join(dataDir, "sim")}`,
      url: `http://127.0.0.1:${simPort}/system_stats`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
    },
    {
      // The simulator's usual model files plus one only this server has (e2e/servers.spec.ts: "any server that fits").
      command: `node --import tsx server/comfyui/simulator/main.ts --port ${sim2Port} --delay 5 --step-delay 5 --data ${join(dataDir, "sim2")} --models '${SIM2_MODELS}'`,
      url: `http://127.0.0.1:${sim2Port}/system_stats`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
    },
    {
      command: "node --max-semi-space-size=64 --import tsx server/main.ts", // as `npm start` runs it
      url: `http://127.0.0.1:${port}/api/trpc/system.health`,
      reuseExistingServer: false,
      timeout: 180_000,
      stdout: "pipe",
      env: { PORT: String(port), HOST: "127.0.0.1", ATELIER_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1", COMFYUI_URL: `http://127.0.0.1:${simPort}` },
    },
  ],
});
