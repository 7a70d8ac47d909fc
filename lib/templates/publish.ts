import {
  bumpVersion,
  checkBump,
  diffInterfaces,
  formatVersion,
  inferBump,
  parseVersion,
  type BumpLevel,
  type InterfaceChange,
  type TemplateInterface,
} from "@/lib/semver";

export type PublishPlan =
  | { ok: true; version: string; required: BumpLevel | null; changes: InterfaceChange[] }
  | { ok: false; reason: string; required: BumpLevel | null; changes: InterfaceChange[] };

/**
 * Decides the version to publish: the requested one if the interface diff
 * allows it, else (none requested) the latest bumped by what the diff requires.
 * A first version defaults to 1.0.0.
 */
export function planPublish(input: {
  latest?: { version: string; interface: TemplateInterface };
  requested?: string;
  interface: TemplateInterface;
}): PublishPlan {
  if (!input.latest) {
    const version = input.requested ?? "1.0.0";
    const parsed = parseVersion(version);
    if (!parsed.ok) return { ok: false, reason: parsed.error, required: null, changes: [] };
    return { ok: true, version: formatVersion(parsed.version), required: null, changes: [] };
  }
  const diff = diffInterfaces(input.latest.interface, input.interface);
  const required = inferBump(diff);
  if (input.requested === undefined) {
    const latest = parseVersion(input.latest.version);
    if (!latest.ok) return { ok: false, reason: `The latest version: ${latest.error}`, required, changes: diff.changes };
    return { ok: true, version: formatVersion(bumpVersion(latest.version, required)), required, changes: diff.changes };
  }
  const check = checkBump(input.latest.version, input.requested, diff);
  if (!check.ok) return { ok: false, reason: check.reason, required, changes: diff.changes };
  return { ok: true, version: input.requested.trim(), required, changes: diff.changes };
}
