import { readFile, writeFile } from "node:fs/promises";
import { compileToPrompt, type CompileIssue } from "@/lib/compile";
import { convertDocument, importWorkflow, type ImportWarning } from "@/lib/formats";
import type { NodeCatalogue } from "@/lib/graph/catalogue";
import { hashDocument } from "@/lib/graph/hash";
import type { GraphIssue } from "@/lib/graph/issues";
import type { WorkflowDocument } from "@/lib/graph/model";
import { validateDocument } from "@/lib/graph/validate";
import { parseArgs, type ParsedArgs } from "./args";
import { loadCatalogue } from "./catalogue";
import { diffCommand } from "./diff";
import { runCommand } from "./run";

/** Exit codes: 0 fine, 1 the workflow has issues (or differs, for diff), 2 a file could not be read or understood. */
export const EXIT_OK = 0;
export const EXIT_ISSUES = 1;
export const EXIT_UNREADABLE = 2;

/** Where a command writes; the real process streams, or buffers in tests. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

const COMMON = `Options:
  --json                 machine-readable output on stdout
  --catalog <file>       node definitions from a saved /object_info JSON
  --server <url>         node definitions from a running ComfyUI (GET <url>/object_info, 10 s timeout)
                         (default: the bundled core catalogue)
  -h, --help             this help`;

const HELP: Record<string, string> = {
  "": `atelier: versioned workflow tools for ComfyUI

Usage: atelier <command> [options]

Commands:
  validate <file>                      check a workflow against the node catalogue
  compile <file> [--out f]             compile to a ComfyUI API prompt
  hash <file>                          print the semantic hash (layout never changes it)
  diff <a> <b>                         semantic difference between two workflows
  convert <file> --to ui|api|atelier   convert between formats
  run <file> --server <url>            run on ComfyUI, print node progress, save outputs

<file> may be a ComfyUI UI workflow, an API prompt, an Atelier document (JSON),
or a PNG/WebP carrying ComfyUI metadata.

Exit codes: 0 fine, 1 the workflow has issues (diff: they differ), 2 a file could not be read or understood.
Run "atelier <command> --help" for a command's options.`,
  validate: `Usage: atelier validate <file> [options]

Checks the workflow: unknown node types, missing inputs, type mismatches,
values out of range or not in a list, cycles, dangling links.
Exit 0 when there is no error (warnings allowed), 1 when there are errors.

${COMMON}`,
  compile: `Usage: atelier compile <file> [--out <file>] [--outputs <id,id>] [options]

Compiles the workflow into the API prompt ComfyUI's POST /prompt takes, as
ComfyUI's frontend does (muted and bypassed nodes, reroutes, primitives,
subgraphs resolved). Writes the prompt to --out, or stdout.
  --outputs <ids>        only these output nodes and what they need (partial execution)
Exit 1 when the compiler met errors (the prompt is still written); warnings
(e.g. a bypassed node with nothing to pass through, as in ComfyUI) go to stderr.

${COMMON}`,
  hash: `Usage: atelier hash <file> [options]

Prints the SHA-256 of the workflow's semantic content (nodes, widget values,
links, subgraphs); layout and metadata never change it.

${COMMON}`,
  diff: `Usage: atelier diff <a> <b> [options]

Shows what changed from <a> to <b>: nodes added, removed or changed, links,
widget values. Exit 0 when they are the same graph, 1 when they differ.

${COMMON}`,
  convert: `Usage: atelier convert <file> --to ui|api|atelier [--out <file>] [options]

  --to ui        ComfyUI UI workflow (loads in ComfyUI's frontend)
  --to api       ComfyUI API prompt (same as compile)
  --to atelier   Atelier workflow document
Writes to --out, or stdout.

${COMMON}`,
  run: `Usage: atelier run <file> --server <url> [--out <dir>] [--json]

Compiles the workflow against the server's own node catalogue, queues it on
ComfyUI, prints a line as each node runs (and its steps), and saves the
outputs into --out (default: the current directory).
  --json         the result (status, saved files, error) as JSON on stdout; progress on stderr
Exit 0 on success, 1 when ComfyUI refused the prompt or a node failed (or it
was interrupted or lost), 2 when the file or ComfyUI could not be read or reached.`,
};

/** A command failed on input it could not read or understand. */
class Unreadable extends Error {}

interface Context {
  args: ParsedArgs;
  io: CliIo;
  json: boolean;
}

function flag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === "string" ? value : undefined;
}

async function catalogueFor(ctx: Context): Promise<{ catalogue: NodeCatalogue; bundled: boolean }> {
  const catalog = flag(ctx.args, "catalog");
  const server = flag(ctx.args, "server");
  const result = await loadCatalogue({ catalog, server });
  if (!result.ok) throw new Unreadable(result.message);
  return { catalogue: result.catalogue, bundled: !catalog && !server };
}

/** Reads and imports a workflow file; an unreadable one ends the command with exit 2 and a message naming the file and position. */
export async function loadDocument(path: string, catalogue: NodeCatalogue): Promise<{ document: WorkflowDocument; warnings: ImportWarning[]; format: string }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : String(e);
    throw new Unreadable(`${path}: cannot read the file (${reason}).`);
  }
  const result = importWorkflow(bytes, { catalogue, fileName: path });
  if (!result.ok) {
    const { line, column, offset, path: pointer } = result.error;
    const where = line !== undefined ? `:${line}:${column}` : "";
    const extra = offset !== undefined ? ` (byte offset ${offset})` : pointer ? ` (at ${pointer})` : "";
    // The position is in the file:line:column prefix, so the message's own "at line …, column …" is dropped.
    const message = line !== undefined ? result.error.message.replace(/ at line \d+, column \d+\./, ".") : result.error.message;
    throw new Unreadable(`${path}${where}: ${message}${extra}`);
  }
  return { document: result.document, warnings: result.warnings, format: result.format ?? "unknown" };
}

async function writeOutput(ctx: Context, text: string): Promise<void> {
  const out = flag(ctx.args, "out");
  if (!out) {
    ctx.io.out(text.endsWith("\n") ? text : text + "\n");
    return;
  }
  try {
    await writeFile(out, text.endsWith("\n") ? text : text + "\n");
  } catch (e) {
    throw new Unreadable(`${out}: cannot write the output (${(e as NodeJS.ErrnoException).code ?? String(e)}).`);
  }
}

function needFiles(ctx: Context, count: number, command: string): string[] {
  const files = ctx.args.positional.slice(1);
  if (files.length !== count) throw new UsageError(`${command} takes ${count === 1 ? "one file" : `${count} files`}; see "atelier ${command} --help".`);
  return files;
}

class UsageError extends Error {}

function formatWarning(w: ImportWarning): string {
  return `  warning  ${w.message}\n`;
}

function formatIssue(issue: GraphIssue): string {
  return `  ${issue.severity.padEnd(7)}  ${issue.message}\n`;
}

async function validateCommand(ctx: Context): Promise<number> {
  const [file] = needFiles(ctx, 1, "validate");
  const { catalogue, bundled } = await catalogueFor(ctx);
  const { document, warnings, format } = await loadDocument(file!, catalogue);
  const issues = validateDocument(document, catalogue, { emptyCombos: bundled ? "ignore" : "error" });
  const errors = issues.filter((i) => i.severity === "error").length;
  if (ctx.json) {
    ctx.io.out(JSON.stringify({ file, format, ok: errors === 0, errors, warnings: issues.length - errors, issues, importWarnings: warnings }, null, 2) + "\n");
  } else {
    const summary = errors === 0 ? (issues.length === 0 ? "no issues" : `no errors, ${issues.length} warning${issues.length > 1 ? "s" : ""}`) : `${errors} error${errors > 1 ? "s" : ""}, ${issues.length - errors} warning${issues.length - errors === 1 ? "" : "s"}`;
    // Import warnings are repairs the importer made (a dropped duplicate link, a filled default): counted apart, since the graph as repaired may be fine.
    const repaired = warnings.length === 0 ? "" : `; ${warnings.length} import warning${warnings.length > 1 ? "s" : ""}`;
    ctx.io.out(`${file} (${format}, ${document.graph.nodes.length} nodes): ${summary}${repaired}\n`);
    for (const w of warnings) ctx.io.out(formatWarning(w));
    for (const issue of issues) ctx.io.out(formatIssue(issue));
  }
  return errors > 0 ? EXIT_ISSUES : EXIT_OK;
}

function formatCompileIssue(issue: CompileIssue): string {
  return `  ${issue.severity}  ${issue.message}\n`;
}

async function compileCommand(ctx: Context): Promise<number> {
  const [file] = needFiles(ctx, 1, "compile");
  const { catalogue } = await catalogueFor(ctx);
  const { document } = await loadDocument(file!, catalogue);
  const outputs = flag(ctx.args, "outputs")?.split(",").map((s) => s.trim()).filter(Boolean);
  const { prompt, issues } = compileToPrompt(document, catalogue, outputs ? { outputs } : {});
  await writeOutput(ctx, JSON.stringify(ctx.json ? { prompt, issues } : prompt, null, 2));
  if (!ctx.json) for (const issue of issues) ctx.io.err(`${file}: ${formatCompileIssue(issue).trimStart()}`);
  return issues.some((i) => i.severity === "error") ? EXIT_ISSUES : EXIT_OK;
}

async function hashCommand(ctx: Context): Promise<number> {
  const [file] = needFiles(ctx, 1, "hash");
  const { catalogue } = await catalogueFor(ctx);
  const { document, format } = await loadDocument(file!, catalogue);
  const hash = hashDocument(document);
  ctx.io.out(ctx.json ? JSON.stringify({ file, format, hash }) + "\n" : `${hash}  ${file}\n`);
  return EXIT_OK;
}

async function convertCommand(ctx: Context): Promise<number> {
  const [file] = needFiles(ctx, 1, "convert");
  const to = flag(ctx.args, "to");
  if (to !== "ui" && to !== "api" && to !== "atelier") throw new UsageError(`convert needs --to ui, --to api or --to atelier.`);
  const { catalogue } = await catalogueFor(ctx);
  const { document, warnings } = await loadDocument(file!, catalogue);
  for (const w of warnings) ctx.io.err(`${file}: warning: ${w.message}\n`);
  const { text, issues } = convertDocument(document, catalogue, to);
  for (const issue of issues) ctx.io.err(`${file}: ${formatCompileIssue(issue).trimStart()}`);
  await writeOutput(ctx, text);
  return issues.some((i) => i.severity === "error") ? EXIT_ISSUES : EXIT_OK;
}

const COMMANDS: Record<string, (ctx: Context) => Promise<number>> = {
  validate: validateCommand,
  compile: compileCommand,
  hash: hashCommand,
  convert: convertCommand,
  diff: (ctx) => diffCommand(ctx, { needFiles, catalogueFor, loadDocument }),
  run: (ctx) => runCommand(ctx, { needFiles, loadDocument, unreadable: (m) => new Unreadable(m), usage: (m) => new UsageError(m) }),
};

/**
 * Runs the CLI with the given arguments.
 * @returns the process exit code (0 fine, 1 issues, 2 unreadable input or bad usage).
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const args = parseArgs(argv);
  if ("error" in args) {
    io.err(`atelier: ${args.error}\n`);
    return EXIT_UNREADABLE;
  }
  const command = args.positional[0] ?? "";
  if (command === "help") {
    io.out(HELP[args.positional[1] ?? ""] ?? HELP[""]! + "\n");
    return EXIT_OK;
  }
  if (args.flags.has("help") || args.flags.has("version") || command === "") {
    io.out((HELP[command] ?? HELP[""]!) + "\n");
    return command === "" && !args.flags.has("help") ? EXIT_UNREADABLE : EXIT_OK;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.err(`atelier: unknown command "${command}". Commands: ${Object.keys(COMMANDS).join(", ")}.\n`);
    return EXIT_UNREADABLE;
  }
  const ctx: Context = { args, io, json: args.flags.has("json") };
  try {
    return await run(ctx);
  } catch (e) {
    if (e instanceof Unreadable || e instanceof UsageError) {
      if (ctx.json) io.out(JSON.stringify({ ok: false, error: e.message }) + "\n");
      io.err(`atelier ${command}: ${e.message}\n`);
      return EXIT_UNREADABLE;
    }
    throw e;
  }
}

export type { Context as CliContext };
