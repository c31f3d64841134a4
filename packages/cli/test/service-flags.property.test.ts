// `service create` command lines under random input: yargs and the flag parsers turn any
// command line into a spec or a usage error (a CliError or yargs' own message), never a
// TypeError; whatever spec comes out, the leader completes it or refuses it with a StoreError.
// The value parsers round-trip what they parse.

import { StoreError, normalizeServiceSpec } from '@shoal/store';
import { serviceSpecInputFromWire, type WireServiceSpec } from '@shoal/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { CliError } from '../src/errors.js';
import { parseBytes, parseDuration, parsePairs, parsePort, splitCommand } from '../src/flag-values.js';
import { declareCreateFlags, specFromArgv } from '../src/service-create-flags.js';

/** yargs' own refusal of a command line (unknown argument, missing value...). */
class YargsUsage extends Error {}

async function parse(args: string[]): Promise<WireServiceSpec> {
  let spec: WireServiceSpec | undefined;
  await yargs()
    .parserConfiguration({ 'greedy-arrays': false, 'populate--': true })
    .command(
      'create [image] [args..]',
      '',
      (y) => declareCreateFlags(y),
      (a) => {
        spec = specFromArgv(a);
      },
    )
    .fail((msg, err) => {
      throw err ?? new YargsUsage(msg);
    })
    .parseAsync(['create', ...args]);
  if (!spec) throw new YargsUsage('no spec');
  return spec;
}

const FLAGS = [
  'name',
  'replicas',
  'mode',
  'runtime',
  'command',
  'env',
  'workdir',
  'reserve-cpu',
  'reserve-memory',
  'limit-cpu',
  'limit-memory',
  'constraint',
  'placement-pref',
  'replicas-max-per-node',
  'restart-condition',
  'restart-delay',
  'restart-max-attempts',
  'restart-window',
  'health-cmd',
  'health-http',
  'health-interval',
  'health-timeout',
  'health-retries',
  'health-start-period',
  'stop-grace-period',
  'drain-period',
  'publish',
  'label',
  'update-parallelism',
  'update-delay',
  'update-failure-action',
  'rollback-parallelism',
  'rollback-failure-action',
];

const VALUES = ['web', '3', '-1', '0', '1.5', 'abc', '', 'global', 'process', 'docker', 'node server.js', 'A=1', '=x', '8080:80', '99999', '70000:1'];
const valueArb = fc.oneof(
  fc.constantFrom(...VALUES),
  fc.constantFrom('500ms', '5s', '1m', '64M', '1G', 'node.labels.zone==a', 'node.role==boss', 'node.labels.zone', '/health', 'on-failure', 'rollback'),
  fc.string({ maxLength: 10 }),
);
const tokenArb = fc.oneof(
  { arbitrary: fc.tuple(fc.constantFrom(...FLAGS), valueArb).map(([f, v]) => [`--${f}`, v]), weight: 6 },
  { arbitrary: fc.tuple(fc.constantFrom(...FLAGS), valueArb).map(([f, v]) => [`--${f}=${v}`]), weight: 2 },
  fc.constantFrom(['nginx'], ['nginx:1', 'arg'], ['--'], ['--no-such-flag'], ['-p', '8080']),
);
// Mostly with something to run, so that most lines get as far as the spec.
const whatArb = fc.oneof({ arbitrary: fc.constantFrom(['nginx'], ['--name', 'web', '--command', 'node s.js']), weight: 4 }, fc.constant([]));
const argsArb = fc.tuple(whatArb, fc.array(tokenArb, { maxLength: 6 })).map(([what, ts]) => [...what, ...ts.flat()]);

/** The wire spec as the leader decodes it: int64s as strings. */
function asDecoded(spec: WireServiceSpec): Parameters<typeof serviceSpecInputFromWire>[0] {
  return JSON.parse(JSON.stringify(spec, (_k, v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? String(v) : v))) as Parameters<
    typeof serviceSpecInputFromWire
  >[0];
}

/** Quotes words so that a POSIX shell (and splitCommand) reads them back. */
const shellQuote = (w: string) => `'${w.replace(/'/g, `'\\''`)}'`;

describe('property: service create command lines', () => {
  it('any command line: a spec the leader completes or refuses with a StoreError, or a usage error — nothing else', async () => {
    let specs = 0;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(argsArb, async (args) => {
        let spec: WireServiceSpec;
        try {
          spec = await parse(args);
        } catch (e) {
          // YError: yargs wraps what a coerce function (wholeNumber) throws; the CLI prints its message.
          const usage = e instanceof CliError || e instanceof YargsUsage || (e instanceof Error && e.name === 'YError');
          if (!usage) throw new Error(`${JSON.stringify(args)}: ${String(e)}`, { cause: e });
          expect((e as Error).message).not.toBe('');
          return;
        }
        specs++;
        try {
          normalizeServiceSpec(serviceSpecInputFromWire(asDecoded(spec)));
          accepted++;
        } catch (e) {
          if (!(e instanceof StoreError)) throw new Error(`${JSON.stringify(args)}: ${String(e)}`, { cause: e });
          expect(e.message).toMatch(/^invalid service spec: spec/);
        }
      }),
      { numRuns: 150 },
    );
    expect(specs).toBeGreaterThan(10); // about a fifth get as far as a spec
    expect(accepted).toBeGreaterThan(2);
  });

  it('value parsers throw only CliErrors naming the flag, and read back what they print', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 16 }), (v) => {
        for (const f of [() => parseDuration(v, '--x'), () => parseBytes(v, '--x'), () => parsePairs([v], '--x'), () => parsePort(v), () => splitCommand(v)]) {
          try {
            f();
          } catch (e) {
            expect(e).toBeInstanceOf(CliError);
          }
        }
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 8 }), { maxLength: 5 }),
        fc.integer({ min: 1, max: 65535 }),
        fc.integer({ min: 1, max: 65535 }),
        fc.nat(1e9),
        (words, published, target, ms) => {
          expect(splitCommand(words.map(shellQuote).join(' '))).toEqual(words);
          expect(parsePort(`${published}:${target}`)).toEqual({ published, target, protocol: 'tcp' });
          expect(parseDuration(`${ms}ms`, '--x')).toBe(ms);
          expect(parseBytes(String(ms), '--x')).toBe(ms);
        },
      ),
      { numRuns: 500 },
    );
  });
});
