// Requests are counted before they are decoded (limitRepeatedField): the count must be the
// decoder's, for any message, and walking any bytes must neither throw nor run past them.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { controlProto, countFieldEntries } from '../src/index.js';

const codec = controlProto().PipelinedCalls;

describe('property: countFieldEntries', () => {
  it('counts what the decoder decodes', () => {
    const call = fc.record({
      id: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
      method: fc.string({ maxLength: 12 }),
      request: fc.uint8Array({ maxLength: 300 }),
    });
    fc.assert(
      fc.property(fc.array(call, { maxLength: 40 }), (calls) => {
        const bytes = codec.serialize({ calls: calls.map((c) => ({ ...c, request: Buffer.from(c.request) })) });
        expect(countFieldEntries(bytes, 1)).toBe(calls.length);
        expect(countFieldEntries(bytes, 1)).toBe(codec.deserialize(bytes).calls.length);
      }),
      { numRuns: 300 },
    );
  });

  it('any bytes: a count no larger than the bytes allow, never an exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (raw) => {
        const n = countFieldEntries(Buffer.from(raw), 1);
        expect(n).toBeGreaterThanOrEqual(0);
        expect(n).toBeLessThanOrEqual(raw.length / 2);
      }),
      { numRuns: 2000 },
    );
  });

  it("counts map entries (a join request's labels) too", () => {
    const join = controlProto().JoinRequest;
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 50 }), fc.string({ maxLength: 30 }), (labels, token) => {
        const bytes = join.serialize({ token, csr: token, labels });
        expect(countFieldEntries(bytes, 6)).toBe(Object.keys(labels).length);
      }),
      { numRuns: 300 },
    );
  });
});
