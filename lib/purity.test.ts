import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// A second guard beside the eslint rule: lib/ runs in the browser and on the
// server alike, so it must not reach for IO, React, Next or our own IO layers.
const forbidden = /from\s+["'](react|react-dom|next(\/[^"']*)?|node:[^"']+|fs|path|ws|better-sqlite3|@xyflow\/react|zustand|ollama|monaco-editor|@trpc\/[^"']+|@\/server[^"']*|@\/components[^"']*|@\/app[^"']*)["']/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "testing" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("lib/ purity", () => {
  it("imports nothing from IO, React, Next, server/ or components/", () => {
    const root = join(import.meta.dirname, "..");
    const offenders = sourceFiles(join(root, "lib")).flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .map((line, i) => ({ line, i }))
        .filter(({ line }) => forbidden.test(line))
        .map(({ line, i }) => `${relative(root, file)}:${i + 1}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });
});
