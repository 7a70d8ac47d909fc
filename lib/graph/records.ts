import { z } from "zod";

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

/**
 * A zod record schema that keeps every own key of its input, "__proto__"
 * included. zod's own `z.record` builds its output by assignment and skips
 * "__proto__" (neither validated nor kept), so a node id or widget named so
 * would vanish on parse. Errors carry zod's usual paths (`["a", "x"]`).
 * Inferred input and output types are those of `z.record(keySchema, valueSchema)`.
 */
export function zRecordOf<K extends z.core.$ZodRecordKey, V extends z.core.$ZodType>(
  keySchema: K,
  valueSchema: V,
): z.ZodType<z.output<z.ZodRecord<K, V>>, z.input<z.ZodRecord<K, V>>> {
  const record = z.record(keySchema, valueSchema);
  type Out = z.output<typeof record>;
  type In = z.input<typeof record>;
  // z.custom accepts anything unchecked: the transform runs the record itself because only it still sees the input's own "__proto__".
  const schema = z.custom<In>().transform((input, ctx): Out => {
    const parsed = record.safeParse(input);
    const issues: z.core.$ZodIssue[] = parsed.success ? [] : [...parsed.error.issues];
    const keepsProto = parsed.success && hasOwnProto(input);
    let protoValue: unknown;
    if (hasOwnProto(input)) {
      const key = z.safeParse(keySchema, PROTO);
      if (!key.success) issues.push({ code: "invalid_key", origin: "record", issues: key.error.issues, input: PROTO, path: [PROTO], message: "Invalid key in record" });
      const value = z.safeParse(valueSchema, (input as Record<string, unknown>)[PROTO]);
      if (value.success) protoValue = value.data;
      else for (const issue of value.error.issues) issues.push({ ...issue, path: [PROTO, ...issue.path] });
    }
    if (issues.length > 0) {
      for (const issue of issues) ctx.issues.push(issue as z.core.$ZodRawIssue);
      return z.NEVER;
    }
    if (!parsed.success) return z.NEVER;
    return keepsProto ? withEntry(input as Record<PropertyKey, unknown>, parsed.data as Record<PropertyKey, unknown>, protoValue) as Out : parsed.data;
  });
  describeJsonSchemaAs(schema, record);
  return schema;
}

const json = z.json();

/**
 * `z.json()` that keeps every own key of objects at any depth, "__proto__"
 * included (z.json's objects are z.records, which drop it). Inferred types
 * and JSON Schema are z.json()'s.
 */
export function zJsonKeepingKeys(): z.ZodType<z.output<typeof json>, z.input<typeof json>> {
  type Json = z.output<typeof json>;
  const schema = z.custom<z.input<typeof json>>().transform((input, ctx): Json => {
    // Most widget values are scalars: taking them as they are spares the union z.json() tries option by option.
    if (typeof input === "string" || typeof input === "boolean" || input === null || (typeof input === "number" && Number.isFinite(input))) return input;
    const parsed = json.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.issues.push(issue as z.core.$ZodRawIssue);
      return z.NEVER;
    }
    if (typeof input !== "object" || input === null) return parsed.data;
    const issues: z.core.$ZodIssue[] = [];
    const copy = copyJson(input, [], issues);
    if (issues.length > 0) {
      for (const issue of issues) ctx.issues.push(issue as z.core.$ZodRawIssue);
      return z.NEVER;
    }
    return copy as Json;
  });
  describeJsonSchemaAs(schema, json);
  return schema;
}

/** A copy of a JSON value z.json() accepted; z.json skipped "__proto__" entries unchecked, so they are checked here. */
function copyJson(value: unknown, path: PropertyKey[], issues: z.core.$ZodIssue[]): unknown {
  if (Array.isArray(value)) return value.map((item: unknown, i) => copyJson(item, [...path, i], issues));
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (key === PROTO) {
      const checked = json.safeParse(item);
      if (!checked.success) for (const issue of checked.error.issues) issues.push({ ...issue, path: [...path, key, ...issue.path] });
    }
    setEntry(out, key, copyJson(item, [...path, key], issues));
  }
  return out;
}

/**
 * Our schemas parse through a transform, which JSON Schema cannot express;
 * their output has exactly `inner`'s shape, so they describe themselves as
 * `inner` on both sides (as zod does for z.preprocess).
 */
function describeJsonSchemaAs(schema: z.ZodType, inner: z.ZodType): void {
  schema._zod.processJSONSchema = (jsonCtx, _json, params) => {
    z.core.processSchema(inner, jsonCtx, params);
    const seen = jsonCtx.seen.get(schema);
    if (seen) seen.ref = inner;
  };
}

const PROTO = "__proto__";

function hasOwnProto(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.hasOwn(value, PROTO);
}

/** The parsed record with the "__proto__" entry put back where the input had it, so key order survives too. */
function withEntry(input: Record<PropertyKey, unknown>, parsed: Record<PropertyKey, unknown>, protoValue: unknown): Record<PropertyKey, unknown> {
  const out: Record<PropertyKey, unknown> = {};
  for (const key of Object.keys(input)) {
    if (key === PROTO) setEntry(out, key, protoValue);
    else if (Object.hasOwn(parsed, key)) out[key] = parsed[key];
  }
  // Keys a key schema rewrote (or symbols) are not among the input's string keys.
  for (const key of Reflect.ownKeys(parsed)) if (!Object.hasOwn(out, key)) out[key] = parsed[key];
  return out;
}
