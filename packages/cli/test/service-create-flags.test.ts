// `service create` flags, declared once (service-create-flags.ts): parsed by yargs and turned
// into the partial wire spec the leader completes. The completed spec must be what the same
// flags gave before the wire was typed (when the CLI sent a JSON spec).

import { normalizeServiceSpec } from '@shoal/store';
import { serviceSpecInputFromWire, type WireServiceSpec } from '@shoal/wire';
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { CliError } from '../src/errors.js';
import { declareCreateFlags, specFromArgv } from '../src/service-create-flags.js';

/** The spec `shoal service create ARGS` sends, as the leader reads it off the wire. */
async function sent(...args: string[]): Promise<unknown> {
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
      throw err ?? new Error(msg);
    })
    .parseAsync(['create', ...args]);
  // Through the decoded form's shape: 64-bit numbers as strings, as grpc hands them over.
  return serviceSpecInputFromWire(
    JSON.parse(JSON.stringify(spec, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? v : typeof v === 'number' ? String(v) : v))),
  );
}

async function refusal(...args: string[]): Promise<string> {
  return sent(...args).then(
    () => 'accepted',
    // yargs wraps what a coerce function throws; the CLI prints its message either way.
    (e: unknown) => (e instanceof CliError || e instanceof Error ? e.message : String(e)),
  );
}

describe('service create flags', () => {
  it('a process service with every kind of flag', async () => {
    const spec = await sent(
      '--name',
      'web',
      '--replicas',
      '3',
      '--command',
      'node "my server.js"',
      '-p',
      '8080:80',
      '-e',
      'A=1',
      '--label',
      'team=a',
      '--constraint',
      'node.labels.zone==a',
      '--placement-pref',
      'spread=node.labels.zone',
      '--replicas-max-per-node',
      '2',
      '--reserve-cpu',
      '0.5',
      '--limit-memory',
      '1G',
      '--health-http',
      '/health',
      '--health-interval',
      '2s',
      '--health-retries',
      '4',
      '--restart-condition',
      'on-failure',
      '--restart-delay',
      '1s',
      '--stop-grace-period',
      '3s',
      '--workdir',
      '/srv',
    );
    // What the CLI sent as JSON for the same flags.
    const before = {
      name: 'web',
      mode: 'replicated',
      replicas: 3,
      task: {
        runtime: 'process',
        image: '',
        command: ['node', 'my server.js'],
        env: { A: '1' },
        workdir: '/srv',
        resources: { reservations: { nanoCpus: 500_000_000, memoryBytes: 0 }, limits: { nanoCpus: 0, memoryBytes: 1 << 30 } },
        placement: { constraints: ['node.labels.zone==a'], preferences: [{ spread: 'node.labels.zone' }], maxReplicasPerNode: 2 },
        restartPolicy: { condition: 'on-failure', delayMs: 1000 },
        healthCheck: { test: { kind: 'http', path: '/health', port: 0 }, intervalMs: 2000, retries: 4 },
        stopGracePeriodMs: 3000,
      },
      ports: [{ published: 8080, target: 80, protocol: 'tcp' }],
      labels: { team: 'a' },
    };
    expect(normalizeServiceSpec(spec)).toEqual(normalizeServiceSpec(before));
  });

  it('a docker service named after its image, global, its arguments after --', async () => {
    const spec = await sent('nginx:alpine', '--mode', 'global', '--', 'nginx', '-g', 'daemon off;');
    expect(spec).toEqual({ name: 'nginx', mode: 'global', task: { runtime: 'docker', image: 'nginx:alpine', command: ['nginx', '-g', 'daemon off;'] } });
  });

  it('health timing without a test is left out, as before', async () => {
    expect(await sent('--name', 'x', '--command', 'x', '--health-interval', '2s')).toEqual({
      name: 'x',
      mode: 'replicated',
      replicas: 1,
      task: { runtime: 'process', image: '', command: ['x'] },
    });
  });

  it('refuses what it can tell is wrong, in the same words', async () => {
    expect(await refusal('--name', 'x')).toMatch(/^what should the service run\?/);
    expect(await refusal('img', '--command', 'x')).toBe('give either an IMAGE or --command, not both');
    expect(await refusal('--name', 'x', '--mode', 'global', '--replicas', '2', '--command', 'x')).toBe(
      '--replicas does not apply to a global service (one task per node)',
    );
    expect(await refusal('--name', '', '--command', 'x')).toBe('give the service a --name');
    expect(await refusal('--name', 'x', '--command', 'x', '--health-cmd', 'true', '--health-http', '/')).toBe(
      'give either --health-cmd or --health-http, not both',
    );
    expect(await refusal('--name', 'x', '--command', 'x', '-p', 'eighty')).toBe('-p/--publish wants PUBLISHED:TARGET like 8080:80 (got "eighty")');
    expect(await refusal('--name', 'x', '--command', 'x', '--env', 'novalue')).toBe('--env wants KEY=VALUE (got "novalue")');
    expect(await refusal('--name', 'x', '--command', 'x', '--replicas', 'abc')).toBe('--replicas wants a whole number like 3 (got "abc")');
    expect(await refusal('--name', 'x', '--command', 'x', '--reserve-cpu', 'lots')).toBe('--reserve-cpu wants a number of CPUs like 0.5 or 2 (got "lots")');
  });
});
