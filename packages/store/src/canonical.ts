// The canonical form of replicated values: object keys sorted at every level, no undefined
// fields, frozen. Managers that applied the same entries must agree on every byte of a
// snapshot and every key order they hand out, but JS objects keep insertion order, which
// differs between a store that built an object from a command and one that parsed it back.

/** A sorted-key, deeply frozen copy: what the store keeps and hands to readers. */
export function seal<T>(value: T): T {
  return deepFreeze(sortKeys(value)) as T;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: [string, unknown][] = [];
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) sorted.push([key, sortKeys(v)]);
  }
  // fromEntries defines own properties, so a "__proto__" label key stays a plain key.
  return Object.fromEntries(sorted);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
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
