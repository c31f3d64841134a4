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
    const sorted: [string, unknown][] = [];
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) sorted.push([key, sortKeys(v, freeze)]);
    }
    // fromEntries defines own properties, so a "__proto__" label key stays a plain key.
    out = Object.fromEntries(sorted);
  }
  if (freeze) {
    Object.freeze(out);
    sealedObjects.add(out);
  }
  return out;
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
