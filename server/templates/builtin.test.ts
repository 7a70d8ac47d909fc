import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLED_CATALOGUE, validateGraph } from "@/lib/graph";
import { compareVersions, parseVersionOrThrow } from "@/lib/semver";
import { applyParameters, planPublish, zTemplateVersionFile, type TemplateVersionFile } from "@/lib/templates";
import { BUILTIN_TEMPLATES_DIR } from "@/server/services";

const root = BUILTIN_TEMPLATES_DIR;
const templateIds = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

function versionsOf(id: string): TemplateVersionFile[] {
  return readdirSync(join(root, id))
    .filter((f) => f.endsWith(".json"))
    .map((f) => zTemplateVersionFile.parse(JSON.parse(readFileSync(join(root, id, f), "utf8"))))
    .sort((a, b) => compareVersions(parseVersionOrThrow(a.version), parseVersionOrThrow(b.version)));
}

describe("built-in templates", () => {
  it("ships the eight templates the gallery promises, each with at least two versions and a thumbnail", () => {
    expect(templateIds).toEqual(["controlnet", "hires-fix", "img2img", "inpaint", "lora-stack", "txt2img-sd15", "txt2img-sdxl", "upscale-model"]);
    for (const id of templateIds) {
      expect(versionsOf(id).length, id).toBeGreaterThanOrEqual(2);
      expect(readFileSync(join(root, id, "thumbnail.svg"), "utf8")).toMatch(/^<svg /);
    }
  });

  it("never changes a published version file (each matches the SHA-256 in workflows/manifest.json)", () => {
    const manifest = JSON.parse(readFileSync(join(root, "manifest.json"), "utf8")) as Record<string, string>;
    const actual: Record<string, string> = {};
    for (const id of templateIds) {
      for (const f of readdirSync(join(root, id)).filter((f) => f.endsWith(".json"))) {
        actual[`${id}/${f}`] = createHash("sha256").update(readFileSync(join(root, id, f))).digest("hex");
      }
    }
    // Every manifest entry must still hold; a new file must be added to the manifest (by the generator) in the same commit.
    expect(actual).toEqual(manifest);
  });

  for (const id of templateIds) {
    describe(id, () => {
      const versions = versionsOf(id);

      it("names its folder and file after its id and version", () => {
        for (const v of versions) {
          expect(v.id).toBe(id);
          expect(readdirSync(join(root, id))).toContain(`${v.version}.json`);
        }
      });

      it("is valid against the bundled catalogue in every version (model lists are server-specific, so empty lists are ignored)", () => {
        for (const v of versions) {
          const issues = validateGraph(v.document.graph, BUNDLED_CATALOGUE, { emptyCombos: "ignore", subgraphs: v.document.subgraphs });
          expect(issues, `${id}@${v.version}`).toEqual([]);
        }
      });

      it("targets existing node inputs with valid defaults, and lists exactly the node types it uses", () => {
        for (const v of versions) {
          expect(applyParameters(v.document, v.interface).issues, `${id}@${v.version}`).toEqual([]);
          expect(v.metadata.requiredNodes).toEqual([...new Set(v.document.graph.nodes.map((n) => n.type))].sort());
          for (const o of v.interface.outputs) expect(v.document.graph.nodes.some((n) => n.id === o.nodeId)).toBe(true);
        }
      });

      it("bumps each version at least as much as its interface change requires", () => {
        for (let i = 1; i < versions.length; i++) {
          const plan = planPublish({ latest: versions[i - 1], requested: versions[i]!.version, interface: versions[i]!.interface });
          expect(plan.ok ? "ok" : plan.reason, `${id} ${versions[i - 1]!.version} → ${versions[i]!.version}`).toBe("ok");
        }
      });

      it("tells in each changelog what changed", () => {
        const logs = versions.map((v) => v.changelog);
        expect(new Set(logs).size).toBe(logs.length);
        for (const log of logs) expect(log.length).toBeGreaterThan(30);
      });
    });
  }
});
