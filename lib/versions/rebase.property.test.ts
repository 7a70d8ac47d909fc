import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffDocuments, isSemanticallyEqual } from "@/lib/graph/diff";
import { hashDocument } from "@/lib/graph/hash";
import type { WorkflowDocument } from "@/lib/graph/model";
import { createStarterDocument } from "@/lib/graph/starter";
import { rebaseDocument } from "./rebase";

const base = createStarterDocument("prop");
const edits = fc.array(
  fc.record({ node: fc.constantFrom("3", "5", "6", "7", "9"), input: fc.constantFrom("a", "b", "steps", "text", "width"), value: fc.oneof(fc.integer(), fc.string({ maxLength: 5 })) }),
  { maxLength: 6 },
);

function apply(doc: WorkflowDocument, list: { node: string; input: string; value: string | number }[]): WorkflowDocument {
  return {
    ...doc,
    graph: {
      ...doc.graph,
      nodes: doc.graph.nodes.map((n) => {
        const mine = list.filter((e) => e.node === n.id);
        return mine.length === 0 ? n : { ...n, widgets: { ...n.widgets, ...Object.fromEntries(mine.map((e) => [e.input, e.value])) } };
      }),
    },
  };
}

describe("rebaseDocument properties", () => {
  it("replaying nothing gives the head, and replaying onto an unchanged head gives mine", () => {
    fc.assert(
      fc.property(edits, (list) => {
        const changed = apply(base, list);
        const onto = rebaseDocument(base, changed, base);
        const replay = rebaseDocument(base, base, changed);
        expect(onto.ok && hashDocument(onto.document)).toBe(hashDocument(changed));
        expect(replay.ok && hashDocument(replay.document)).toBe(hashDocument(changed));
      }),
    );
  });

  it("merges edits to disjoint inputs into a document holding both", () => {
    fc.assert(
      fc.property(edits, edits, (theirs, mine) => {
        const mineOnly = mine.filter((m) => !theirs.some((t) => t.node === m.node && t.input === m.input));
        const head = apply(base, theirs);
        const result = rebaseDocument(base, head, apply(base, mineOnly));
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        // Applying both edit lists in sequence is the expected merge.
        expect(isSemanticallyEqual(diffDocuments(result.document, apply(head, mineOnly)))).toBe(true);
      }),
    );
  });
});
