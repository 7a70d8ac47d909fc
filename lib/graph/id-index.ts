/**
 * Node id → position in a node list, for the hot loops of validation and
 * compilation.
 *
 * Why not an object or a Map: ids are mostly canonical integer strings
 * ("1".."50000"). A Map of 50,000 strings is slow to fill; an object keyed by
 * them is fast while small, but its element store grows by copying and from
 * about 16,000 entries each copy lands in V8's large-object space, which made
 * a 50,000-node graph cost 8-11× a 10,000-node one instead of 5×. Here
 * integer ids go into one preallocated Int32Array (off the JS heap, sized
 * once, nothing for the GC to copy) and only other ids ("5:3", "-10",
 * "__proto__") into a Map, which also keeps any string an ordinary key.
 */

/** Ids with more digits than this go to the Map (a dense table of 10^9 slots would be absurd anyway). */
const MAX_DENSE_DIGITS = 9;
/** The dense table holds integer ids up to 4× the node count plus slack; sparser ids go to the Map. */
const DENSITY = 4;
const SLACK = 1024;

/**
 * The value of a canonical non-negative integer id ("0", "42"; no sign, no
 * leading zero, at most 9 digits), or -1 for any other string.
 */
export function parseIntegerId(id: string): number {
  const n = id.length;
  if (n === 0 || n > MAX_DENSE_DIGITS) return -1;
  let value = id.charCodeAt(0) - 48;
  if (value < 0 || value > 9 || (value === 0 && n > 1)) return -1;
  for (let i = 1; i < n; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** A map from node ids to non-negative positions; see the module comment for why it is built this way. */
export class IdIndex {
  /** Integer id → position + 1 (0 means absent, so a fresh zero-filled table is empty). */
  private readonly dense: Int32Array;
  private other: Map<string, number> | undefined;

  /**
   * An empty index for about `count` ids. The dense table is sized from the
   * count alone (16 bytes a node), not from the largest id: finding that
   * would take one more pass over every node, and on a 50,000-node graph,
   * which no longer fits the CPU caches, each pass over the node objects
   * costs about a millisecond.
   */
  constructor(count: number) {
    this.dense = new Int32Array(DENSITY * count + SLACK);
  }

  /** The position of `id`, or -1. */
  get(id: string): number {
    const v = parseIntegerId(id);
    if (v >= 0 && v < this.dense.length) return this.dense[v]! - 1;
    const at = this.other?.get(id);
    return at === undefined ? -1 : at;
  }

  /** Adds `id` at `position` unless already present; returns the position it already had, or -1 when it was added. */
  add(id: string, position: number): number {
    const v = parseIntegerId(id);
    if (v >= 0 && v < this.dense.length) {
      const had = this.dense[v]! - 1;
      if (had < 0) this.dense[v] = position + 1;
      return had;
    }
    const other = (this.other ??= new Map());
    const had = other.get(id);
    if (had !== undefined) return had;
    other.set(id, position);
    return -1;
  }

  /** Points `id` at `position`, replacing any earlier position; returns the earlier position, or -1. */
  set(id: string, position: number): number {
    const v = parseIntegerId(id);
    if (v >= 0 && v < this.dense.length) {
      const had = this.dense[v]! - 1;
      this.dense[v] = position + 1;
      return had;
    }
    const other = (this.other ??= new Map());
    const had = other.get(id);
    other.set(id, position);
    return had === undefined ? -1 : had;
  }
}
