// Limits on what a request may hold, checked on its bytes before they are decoded. A decoded
// message costs far more than its bytes when it holds many small entries: 16 MiB of one-byte
// labels or calls decode to millions of objects — hundreds of MiB and tens of seconds of a
// blocked event loop (a leader loses its followers) — before any handler could refuse them.
// So the entries of a repeated (or map) field are counted first, by walking the encoded fields,
// and a message over the limit is never decoded: its handler receives an OverLimit instead and
// refuses the call in words.

import type * as grpc from '@grpc/grpc-js';

/** What a request over a field's limit decodes to. */
export interface OverLimit {
  readonly overLimit: { readonly field: string; readonly count: number; readonly max: number };
}

export function isOverLimit(value: unknown): value is OverLimit {
  return typeof value === 'object' && value !== null && 'overLimit' in value;
}

/**
 * The entries of field `field` (a repeated or map field) at the top level of an encoded message.
 * Malformed bytes end the count early: the decoder then says what is wrong.
 */
export function countFieldEntries(bytes: Uint8Array, field: number): number {
  let at = 0;
  let count = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; shift < 49 && at < bytes.length; shift += 7) {
      const b = bytes[at++]!;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
    return -1;
  };
  while (at < bytes.length) {
    const tag = varint();
    if (tag < 0) break;
    const wireType = tag % 8;
    if (wireType === 0) {
      if (varint() < 0) break;
    } else if (wireType === 1) at += 8;
    else if (wireType === 5) at += 4;
    else if (wireType === 2) {
      const length = varint();
      if (length < 0) break;
      at += length;
    } else break; // groups (3, 4) and invalid types: the decoder refuses them
    if (at > bytes.length) break; // cut short
    if (Math.floor(tag / 8) === field) count++;
  }
  return count;
}

/**
 * `service` with `method`'s requests counted before they are decoded: one whose field
 * `field.number` (called `field.name`) has more than `max` entries reaches the handler as an
 * OverLimit, undecoded.
 */
export function limitRepeatedField<S extends grpc.ServiceDefinition>(service: S, method: string, field: { number: number; name: string }, max: number): S {
  const definition = service[method];
  if (!definition) throw new Error(`${method} is not a method of this service`);
  const decode = definition.requestDeserialize;
  const requestDeserialize = (bytes: Buffer): unknown => {
    const count = countFieldEntries(bytes, field.number);
    return count > max ? ({ overLimit: { field: field.name, count, max } } satisfies OverLimit) : decode(bytes);
  };
  return { ...service, [method]: { ...definition, requestDeserialize } } as S;
}
