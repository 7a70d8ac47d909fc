/**
 * Records keyed by user data (node ids, input names). A key such as
 * "__proto__" must stay an ordinary own property: assigned on a plain `{}`
 * it replaces the prototype instead, and the entry is lost. JSON.parse and
 * JSON.stringify treat such keys as ordinary, so these records round-trip.
 */

/** An empty record with no prototype, so every string is an ordinary key (for large id-keyed records such as a prompt). */
export function createRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * Sets `record[key]` as an own property whatever the key. For small records
 * built per node: a plain `{}` keeps V8's fast object shapes, which a
 * null-prototype object gives up, and only "__proto__" needs the slow path.
 */
export function setEntry<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__") Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}
