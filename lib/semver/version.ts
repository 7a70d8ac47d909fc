import { z } from "zod";

/**
 * Semantic versions (semver 2.0.0): parse, format, compare, bump, and the
 * few range checks templates need (exact, ^, ~, comparisons, *).
 */

/** A parsed version. Prerelease identifiers are numbers when numeric, as semver orders them. */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: (string | number)[];
  build: string[];
}

/** The bump levels, smallest first. */
export const BUMP_LEVELS = ["patch", "minor", "major"] as const;
export const zBumpLevel = z.enum(BUMP_LEVELS);
export type BumpLevel = z.infer<typeof zBumpLevel>;

const NUMERIC = "0|[1-9]\\d*";
const IDENT = "(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)";
const VERSION_RE = new RegExp(
  `^(${NUMERIC})\\.(${NUMERIC})\\.(${NUMERIC})(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$`,
);

/** A version string that parses as semver, e.g. "1.4.0" or "2.0.0-beta.1". */
export const zVersionString = z.string().regex(VERSION_RE, "must be a semantic version such as 1.4.0");

export type ParseVersionResult = { ok: true; version: SemVer } | { ok: false; error: string };

/** Parses "MAJOR.MINOR.PATCH[-prerelease][+build]". @returns the version, or an error saying what is wrong with the text. */
export function parseVersion(text: string): ParseVersionResult {
  const match = VERSION_RE.exec(text.trim());
  if (!match) {
    return { ok: false, error: `"${text}" is not a semantic version: expected MAJOR.MINOR.PATCH such as 1.4.0 (no leading zeros).` };
  }
  const [, major, minor, patch, pre, build] = match;
  const nums = [Number(major), Number(minor), Number(patch)];
  if (nums.some((n) => !Number.isSafeInteger(n))) {
    return { ok: false, error: `"${text}" has a version number too large to compare exactly.` };
  }
  return {
    ok: true,
    version: {
      major: nums[0]!,
      minor: nums[1]!,
      patch: nums[2]!,
      prerelease: pre ? pre.split(".").map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [],
      build: build ? build.split(".") : [],
    },
  };
}

/** Parses a version known to be valid (from our own data). @throws on text that is not semver: a broken invariant, not user input. */
export function parseVersionOrThrow(text: string): SemVer {
  const result = parseVersion(text);
  if (!result.ok) throw new Error(result.error);
  return result.version;
}

/** Formats a version back to its text. */
export function formatVersion(v: SemVer): string {
  const pre = v.prerelease.length > 0 ? `-${v.prerelease.join(".")}` : "";
  const build = v.build.length > 0 ? `+${v.build.join(".")}` : "";
  return `${v.major}.${v.minor}.${v.patch}${pre}${build}`;
}

function compareIdentifiers(a: string | number, b: string | number): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  // Numeric identifiers sort before alphanumeric ones.
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Semver precedence: negative when a < b, 0 when equal (build metadata ignored), positive when a > b. */
export function compareVersions(a: SemVer, b: SemVer): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    // A release outranks its prereleases.
    return a.prerelease.length === 0 ? (b.prerelease.length === 0 ? 0 : 1) : -1;
  }
  const n = Math.max(a.prerelease.length, b.prerelease.length);
  for (let i = 0; i < n; i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const c = compareIdentifiers(x, y);
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

/** The next version at `level`: 1.4.2 → 2.0.0 / 1.5.0 / 1.4.3. A prerelease bumps to its own release where npm does (1.0.0-rc.1 major → 1.0.0). */
export function bumpVersion(v: SemVer, level: BumpLevel): SemVer {
  const pre = v.prerelease.length > 0;
  switch (level) {
    case "major":
      return pre && v.minor === 0 && v.patch === 0
        ? { ...v, prerelease: [], build: [] }
        : { major: v.major + 1, minor: 0, patch: 0, prerelease: [], build: [] };
    case "minor":
      return pre && v.patch === 0
        ? { ...v, prerelease: [], build: [] }
        : { major: v.major, minor: v.minor + 1, patch: 0, prerelease: [], build: [] };
    case "patch":
      return pre ? { ...v, prerelease: [], build: [] } : { ...v, patch: v.patch + 1, prerelease: [], build: [] };
    default: {
      const never: never = level;
      throw new Error(`unknown bump level ${String(never)}`);
    }
  }
}

/** The level of the step from `from` to a later `to` (the highest core field that grew), or undefined when `to` is not later. */
export function getBumpLevel(from: SemVer, to: SemVer): BumpLevel | undefined {
  if (compareVersions(to, from) <= 0) return undefined;
  if (to.major !== from.major) return "major";
  if (to.minor !== from.minor) return "minor";
  if (to.patch !== from.patch) return "patch";
  // Same core, later by prerelease only (1.0.0-rc.1 → 1.0.0-rc.2 or → 1.0.0): the release the prerelease was heading for.
  if (from.prerelease.length > 0) return from.patch === 0 ? (from.minor === 0 ? "major" : "minor") : "patch";
  return "patch";
}

/** Compares bump levels: negative when a is smaller. */
export function compareBumpLevels(a: BumpLevel, b: BumpLevel): number {
  return BUMP_LEVELS.indexOf(a) - BUMP_LEVELS.indexOf(b);
}

type Comparator = { op: "<" | "<=" | ">" | ">=" | "="; version: SemVer };

function parseComparators(part: string): Comparator[] | undefined {
  const tokens = part.trim().split(/\s+/).filter(Boolean);
  const result: Comparator[] = [];
  for (const token of tokens) {
    if (token === "*" || token === "x" || token === "X") continue;
    const m = /^(\^|~|<=|>=|<|>|=)?(.+)$/.exec(token);
    if (!m) return undefined;
    const parsed = parseVersion(m[2]!);
    if (!parsed.ok) return undefined;
    const v = parsed.version;
    const op = m[1] ?? "=";
    if (op === "^") {
      const upper =
        v.major > 0
          ? { ...v, major: v.major + 1, minor: 0, patch: 0 }
          : v.minor > 0
            ? { ...v, minor: v.minor + 1, patch: 0 }
            : { ...v, patch: v.patch + 1 };
      result.push({ op: ">=", version: v }, { op: "<", version: { ...upper, prerelease: [0], build: [] } });
    } else if (op === "~") {
      result.push({ op: ">=", version: v }, { op: "<", version: { ...v, minor: v.minor + 1, patch: 0, prerelease: [0], build: [] } });
    } else {
      result.push({ op: op as Comparator["op"], version: v });
    }
  }
  return result;
}

/**
 * True when `version` is in `range`. Supports exact versions, `^1.2.3`,
 * `~1.2.3`, `<`, `<=`, `>`, `>=`, `*`, space-separated (all must hold) and
 * `||` alternatives. Prereleases only match ranges that name a prerelease
 * of the same core version, as npm does. An unparsable range matches nothing.
 */
export function satisfiesRange(version: SemVer, range: string): boolean {
  return range.split("||").some((alternative) => {
    const comparators = parseComparators(alternative);
    if (!comparators) return false;
    if (version.prerelease.length > 0) {
      const named = comparators.some(
        (c) =>
          c.version.prerelease.length > 0 &&
          c.version.prerelease[0] !== 0 &&
          c.version.major === version.major &&
          c.version.minor === version.minor &&
          c.version.patch === version.patch,
      );
      if (!named) return false;
    }
    return comparators.every(({ op, version: bound }) => {
      const c = compareVersions(version, bound);
      switch (op) {
        case "<":
          return c < 0;
        case "<=":
          return c <= 0;
        case ">":
          return c > 0;
        case ">=":
          return c >= 0;
        case "=":
          return c === 0;
        default: {
          const never: never = op;
          return never;
        }
      }
    });
  });
}
