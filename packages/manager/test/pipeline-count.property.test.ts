// Pipeline messages are counted before they are decoded (pipelineService): the count must be
// the decoder's, for any message, and walking any bytes must neither throw nor run past them.

import { controlProto } from '@shoal/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countCalls } from '../src/pipeline.js';

const codec = controlProto().PipelinedCalls;

describe('property: countCalls', () => {
  it('counts what the decoder decodes', () => {
    const call = fc.record({
      id: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
      method: fc.string({ maxLength: 12 }),
      request: fc.uint8Array({ maxLength: 300 }),
    });
    fc.assert(
      fc.property(fc.array(call, { maxLength: 40 }), (calls) => {
        const bytes = codec.serialize({ calls: calls.map((c) => ({ ...c, request: Buffer.from(c.request) })) });
        expect(countCalls(bytes)).toBe(calls.length);
        expect(countCalls(bytes)).toBe(codec.deserialize(bytes).calls.length);
      }),
      { numRuns: 300 },
    );
  });

  it('any bytes: a count no larger than the bytes allow, never an exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (raw) => {
        const n = countCalls(Buffer.from(raw));
        expect(n).toBeGreaterThanOrEqual(0);
        expect(n).toBeLessThanOrEqual(raw.length / 2);
      }),
      { numRuns: 2000 },
    );
  });
});
