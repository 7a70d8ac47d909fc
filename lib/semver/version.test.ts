import { describe, expect, it } from "vitest";
import { bumpVersion, compareVersions, formatVersion, getBumpLevel, parseVersion, parseVersionOrThrow, satisfiesRange } from "./version";

const v = parseVersionOrThrow;

describe("parseVersion / formatVersion", () => {
  it("parses core, prerelease and build, and formats them back", () => {
    expect(parseVersion("1.2.3-beta.4+sha.5")).toEqual({
      ok: true,
      version: { major: 1, minor: 2, patch: 3, prerelease: ["beta", 4], build: ["sha", "5"] },
    });
    for (const text of ["0.0.0", "10.20.30", "1.0.0-alpha", "1.0.0-0.3.7", "1.0.0-x-y.1+b"]) expect(formatVersion(v(text))).toBe(text);
  });

  it("refuses text that is not semver, saying what it expected", () => {
    for (const text of ["1.2", "01.2.3", "1.2.3-", "v1.2.3", "1.2.3-01", "", "1.2.x"]) {
      const result = parseVersion(text);
      expect(result.ok, text).toBe(false);
      if (!result.ok) expect(result.error).toContain("MAJOR.MINOR.PATCH");
    }
  });
});

describe("compareVersions", () => {
  it("orders versions by semver precedence, ignoring build metadata", () => {
    const ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"];
    const shuffled = [...ordered].reverse().map(v);
    expect(shuffled.sort(compareVersions).map(formatVersion)).toEqual(ordered);
    expect(compareVersions(v("1.0.0+a"), v("1.0.0+b"))).toBe(0);
  });
});

describe("bumpVersion / getBumpLevel", () => {
  it("bumps each level and resets the lower ones", () => {
    expect(formatVersion(bumpVersion(v("1.4.2"), "major"))).toBe("2.0.0");
    expect(formatVersion(bumpVersion(v("1.4.2"), "minor"))).toBe("1.5.0");
    expect(formatVersion(bumpVersion(v("1.4.2+b"), "patch"))).toBe("1.4.3");
    expect(formatVersion(bumpVersion(v("2.0.0-rc.1"), "major"))).toBe("2.0.0");
  });

  it("names the level of a step, or nothing when it goes backwards", () => {
    expect(getBumpLevel(v("1.4.2"), v("2.0.0"))).toBe("major");
    expect(getBumpLevel(v("1.4.2"), v("1.6.0"))).toBe("minor");
    expect(getBumpLevel(v("1.4.2"), v("1.4.9"))).toBe("patch");
    expect(getBumpLevel(v("1.4.2"), v("1.4.2"))).toBeUndefined();
    expect(getBumpLevel(v("1.4.2"), v("1.4.1"))).toBeUndefined();
    expect(getBumpLevel(v("2.0.0-rc.1"), v("2.0.0"))).toBe("major");
  });
});

describe("satisfiesRange", () => {
  it("handles exact, caret, tilde, comparisons, star and alternatives", () => {
    const cases: [string, string, boolean][] = [
      ["1.2.3", "1.2.3", true],
      ["1.9.0", "^1.2.3", true],
      ["2.0.0", "^1.2.3", false],
      ["0.2.9", "^0.2.3", true],
      ["0.3.0", "^0.2.3", false],
      ["1.2.9", "~1.2.3", true],
      ["1.3.0", "~1.2.3", false],
      ["1.5.0", ">=1.2.0 <2.0.0", true],
      ["2.0.0", ">=1.2.0 <2.0.0", false],
      ["3.1.0", "^1.0.0 || ^3.0.0", true],
      ["9.9.9", "*", true],
      ["2.0.0-rc.1", "^1.0.0", false],
      ["2.0.0-rc.2", ">=2.0.0-rc.1", true],
      ["1.0.0", "not a range", false],
    ];
    for (const [version, range, expected] of cases) expect(satisfiesRange(v(version), range), `${version} in ${range}`).toBe(expected);
  });
});
