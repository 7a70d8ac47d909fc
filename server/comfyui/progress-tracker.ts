import type { ProgressStateData } from "./protocol";

/**
 * ComfyUI's `progress_state` carries every node started so far, so over a
 * run its traffic grows with the square of the node count (98 MB for a
 * 1000-node graph). The tracker remembers the last state per node and hands
 * on only the nodes that changed; nothing downstream sees the whole map.
 */

export interface NodeProgressChange {
  promptId: string;
  nodeId: string;
  /** ComfyUI's node state: "running", "finished", "error", … */
  state: string;
  value: number;
  max: number;
  displayNodeId: string | null;
  parentNodeId: string | null;
  realNodeId: string | null;
}

interface Seen {
  state: string;
  value: number;
  max: number;
}

export class ProgressStateTracker {
  private prompts = new Map<string, Map<string, Seen>>();

  /** Applies one progress_state message; returns the nodes whose state, value or max changed, in message order. */
  update(message: ProgressStateData): NodeProgressChange[] {
    let seen = this.prompts.get(message.prompt_id);
    if (!seen) {
      seen = new Map();
      this.prompts.set(message.prompt_id, seen);
    }
    const changes: NodeProgressChange[] = [];
    for (const [nodeId, node] of Object.entries(message.nodes)) {
      const before = seen.get(nodeId);
      if (before && before.state === node.state && before.value === node.value && before.max === node.max) continue;
      seen.set(nodeId, { state: node.state, value: node.value, max: node.max });
      changes.push({
        promptId: message.prompt_id,
        nodeId,
        state: node.state,
        value: node.value,
        max: node.max,
        displayNodeId: node.display_node_id ?? null,
        parentNodeId: node.parent_node_id ?? null,
        realNodeId: node.real_node_id ?? null,
      });
    }
    return changes;
  }

  /** Forgets a finished prompt (or all of them). */
  reset(promptId?: string): void {
    if (promptId === undefined) this.prompts.clear();
    else this.prompts.delete(promptId);
  }
}
