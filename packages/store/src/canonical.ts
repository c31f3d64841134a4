// The canonical form of replicated values: object keys sorted at every level, no undefined
// fields, frozen. Managers that applied the same entries must agree on every byte of a
// snapshot and every key order they hand out, but JS objects keep insertion order, which
// differs between a store that built an object from a command and one that parsed it back.

/**
 * Objects seal() produced: sorted and frozen already. An update builds a new object around
 * mostly unchanged parts (status, resources, ...); remembering which parts are sealed keeps
 * every apply from re-sorting and re-freezing the whole object tree.
 */
const sealedObjects = new WeakSet<object>();

/** A sorted-key, deeply frozen copy: what the store keeps and hands to readers. */
export function seal<T>(value: T): T {
  return sortKeys(value, true) as T;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value, false));
}

/** Sorted copy (frozen when `freeze`); sealed parts are reused as they are. */
function sortKeys(value: unknown, freeze: boolean): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (sealedObjects.has(value)) return value;
  let out: object;
  if (Array.isArray(value)) {
    out = value.map((v) => sortKeys(v, freeze));
  } else {
    out = sortedCopy(value as Record<string, unknown>, freeze);
  }
  if (freeze) {
    Object.freeze(out);
    sealedObjects.add(out);
  }
  return out;
}

/**
 * Objects of a few keys are built by assignment in key order: V8 then gives every object of
 * the same keys one shared shape, and freezing it is cheap (fromEntries plus freeze cost about
 * four times as much, most of a 2,000-task batch). Maps with many keys (labels, env) use
 * fromEntries, which does not grow a shape per key set.
 */
const ASSIGN_MAX_KEYS = 32;

function sortedCopy(value: Record<string, unknown>, freeze: boolean): object {
  const keys = Object.keys(value).sort();
  // Assigning "__proto__" would set the prototype; fromEntries defines it as a plain key.
  if (keys.length <= ASSIGN_MAX_KEYS && !keys.includes('__proto__')) {
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const v = value[key];
      if (v !== undefined) out[key] = sortKeys(v, freeze);
    }
    return out;
  }
  const sorted: [string, unknown][] = [];
  for (const key of keys) {
    const v = value[key];
    if (v !== undefined) sorted.push([key, sortKeys(v, freeze)]);
  }
  return Object.fromEntries(sorted);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(canonicalJson(value));
}

/** Parses UTF-8 JSON; throws a plain Error with the parser's explanation on bad input. */
export function decodeJson(data: Uint8Array): unknown {
  return JSON.parse(decoder.decode(data));
}
