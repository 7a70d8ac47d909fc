#!/usr/bin/env node
// Entry point of the `atelier` CLI: registers tsx's ESM loader (with the
// repo's tsconfig, so `@/` imports resolve from any working directory) and
// runs cli/main.ts.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
const { runCli } = await import("../cli/main.ts");
process.exitCode = await runCli(process.argv.slice(2));
