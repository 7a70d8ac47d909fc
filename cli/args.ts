/** Parsed command line: positional arguments and `--flag [value]` options. */
export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Flags that take a value; every other `--flag` is a switch. */
const VALUED = new Set(["out", "to", "catalog", "server", "outputs"]);

/**
 * Splits argv into positionals and flags (`--out f`, `--out=f`, `--json`).
 * @returns the parsed arguments, or an error message for a flag missing its value.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs | { error: string } {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-h") {
      flags.set("help", true);
      continue;
    }
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (eq !== -1) {
      flags.set(name, arg.slice(eq + 1));
    } else if (VALUED.has(name)) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) return { error: `--${name} needs a value.` };
      flags.set(name, value);
      i++;
    } else {
      flags.set(name, true);
    }
  }
  return { positional, flags };
}
