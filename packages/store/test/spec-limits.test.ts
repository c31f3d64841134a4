// The whole-spec size limit and the published-port rules of normalizeServiceSpec (what the
// control API runs on every spec a client sends).

import { describe, expect, it } from 'vitest';
import { MAX_SPEC_BYTES, StoreError, normalizeServiceSpec } from '../src/index.js';

/** A process service whose env (values of up to 30 kB) makes its encoded spec exactly `bytes` long. */
function specOfSize(bytes: number): Record<string, unknown> {
  const spec = (env: Record<string, string>) => ({ name: 'web', task: { runtime: 'process', command: ['server'], env } });
  // The env object's JSON replaces the "{}" of a spec without env.
  const base = Buffer.byteLength(JSON.stringify(normalizeServiceSpec(spec({})))) - 2;
  const size = (env: Record<string, string>) => base + Buffer.byteLength(JSON.stringify(env));
  const env: Record<string, string> = {};
  for (let i = 0; size(env) < bytes; i++) env[`V${String(i).padStart(3, '0')}`] = 'x'.repeat(30_000);
  const last = Object.keys(env).at(-1)!;
  env[last] = env[last]!.slice(0, env[last]!.length - (size(env) - bytes));
  return spec(env);
}

function refusal(input: unknown): StoreError {
  try {
    normalizeServiceSpec(input);
  } catch (e) {
    if (e instanceof StoreError) return e;
    throw e;
  }
  throw new Error('expected the spec to be refused');
}

describe('service spec size', () => {
  it('accepts a spec of exactly 256 KiB encoded and refuses one byte more, naming the limit and the size', () => {
    const at = normalizeServiceSpec(specOfSize(MAX_SPEC_BYTES));
    expect(Buffer.byteLength(JSON.stringify(at))).toBe(MAX_SPEC_BYTES);
    const e = refusal(specOfSize(MAX_SPEC_BYTES + 1));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe(
      'invalid service spec: spec is 262145 bytes (256 KiB) encoded; a service spec may be at most 262144 bytes (256 KiB): ' +
        'keep large data (files, certificates, blobs) out of env, args and labels, e.g. in an image or a file the task reads',
    );
  });

  it('refuses 256 env values of 30 kB, each within its own limit (7.7 MB)', () => {
    const env = Object.fromEntries(Array.from({ length: 256 }, (_, i) => [`V${i}`, 'x'.repeat(30_000)]));
    const e = refusal({ name: 'web', task: { runtime: 'process', command: ['server'], env } });
    expect(e.message).toMatch(/^invalid service spec: spec is 768\d{4} bytes \(7\.3 MiB\) encoded; a service spec may be at most 262144 bytes \(256 KiB\)/);
  });
});

describe('published ports', () => {
  it('a target left out is the published port; a target of 0 is refused', () => {
    const spec = normalizeServiceSpec({
      name: 'web',
      task: { runtime: 'process', command: ['server'] },
      ports: [{ published: 8080 }, { published: 8081, target: 80 }],
    });
    expect(spec.ports).toEqual([
      { published: 8080, target: 8080, protocol: 'tcp' },
      { published: 8081, target: 80, protocol: 'tcp' },
    ]);
    const e = refusal({ name: 'web', task: { runtime: 'process', command: ['server'] }, ports: [{ published: 18090, target: 0 }] });
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe('invalid service spec: spec.ports[0].target 0 is not a port (1..65535): give the port the task listens on, e.g. -p 8080:80');
    expect(refusal({ name: 'web', task: { runtime: 'process', command: ['server'] }, ports: [{ published: 18090, target: 70000 }] }).message).toContain(
      'spec.ports[0].target 70000 is not a port (0..65535)',
    );
  });
});
