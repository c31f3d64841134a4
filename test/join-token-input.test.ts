// Join tokens out of `ps`: `worker join` and `manager join` read the token from --token-file or
// stdin (--token -), and once a node has joined its command line (/proc/PID/cmdline) no longer
// shows a token given as --token. A missing, empty or unreadable token file is refused before
// anything is created.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SHOAL_BIN, freePort, type LocalCluster } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import { waitFor } from './support/managers.js';

/** The node id a `--json` join prints first on stdout, once it has joined. */
function joinedNodeId(output: () => string): Promise<string> {
  return waitFor(
    'the join to complete',
    () => {
      const m = /"nodeId": "([a-z0-9]+)"/.exec(output());
      return m?.[1];
    },
    30_000,
  );
}

function cmdline(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'latin1');
}

describe.sequential('join tokens out of argv', () => {
  const lab = new Lab();
  /** Processes started here with a stdin pipe (Lab spawns with stdin ignored). */
  const piped = new Set<ChildProcess>();
  let cluster: LocalCluster;
  let workerToken: string;
  let managerToken: string;
  let failed = false;

  beforeAll(async () => {
    cluster = await lab.cluster('token-input', 1);
    workerToken = await cluster.joinToken('worker');
    managerToken = await cluster.joinToken('manager');
  });
  afterEach(({ task }) => {
    failed ||= task.result?.state === 'fail';
  });
  afterAll(async () => {
    await Promise.all(
      [...piped].map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            p.once('close', () => resolve());
            p.kill('SIGKILL');
          }),
      ),
    );
    await lab.cleanup({ failed });
  });

  async function nodeIsReady(nodeId: string): Promise<void> {
    await waitFor(`${nodeId} to be ready`, async () => {
      const { nodes } = await cluster.client().call('ListNodes', { read: { stale: true } });
      return nodes.some((n) => n.id === nodeId && n.status === 'ready') ? true : undefined;
    });
  }

  /** A token file as an operator would write it: the token and a newline, 0600. */
  function tokenFile(name: string, content: string): string {
    const dir = lab.dir(`token-${name}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, 'token');
    writeFileSync(file, content, { mode: 0o600 });
    return file;
  }

  it('a worker given --token TOKEN no longer shows it in /proc/PID/cmdline once joined', async () => {
    const data = lab.dir('w-argv');
    const p = lab.spawnShoal(['worker', 'join', cluster.manager('m1').addr, '--token', workerToken, '--data', data, '--name', 'w-argv', '--json']);
    const nodeId = await joinedNodeId(p.output);
    await nodeIsReady(nodeId);
    const shown = cmdline(p.proc.pid!);
    expect(shown).not.toContain(workerToken);
    expect(shown).not.toContain(workerToken.split('-').pop()!); // not even the secret part
    expect(shown).toContain(`shoal worker --data ${data} (joined as w-argv)`);
  });

  it('a worker joins with --token-file', async () => {
    const data = lab.dir('w-file');
    const p = lab.spawnShoal([
      'worker',
      'join',
      cluster.manager('m1').addr,
      '--token-file',
      tokenFile('w', `${workerToken}\n`),
      '--data',
      data,
      '--name',
      'w-file',
      '--json',
    ]);
    await nodeIsReady(await joinedNodeId(p.output));
    expect(cmdline(p.proc.pid!)).toContain('(joined as w-file)');
  });

  it('a worker joins with the token on stdin (--token -)', async () => {
    const data = lab.dir('w-stdin');
    const proc = spawn(
      process.execPath,
      [SHOAL_BIN, 'worker', 'join', cluster.manager('m1').addr, '--token', '-', '--data', data, '--name', 'w-stdin', '--json'],
      {
        env: { ...process.env, SHOAL_HOST: '', SHOAL_CERTS: '' },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    piped.add(proc);
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stdin!.end(`${workerToken}\n`);
    await nodeIsReady(await joinedNodeId(() => out));
  });

  it('a manager joins with --token-file, and its command line shows no token', async () => {
    const data = lab.dir('m-file');
    const listen = `127.0.0.1:${await freePort()}`;
    const p = lab.spawnShoal([
      'manager',
      'join',
      cluster.manager('m1').addr,
      '--token-file',
      tokenFile('m', managerToken),
      '--listen',
      listen,
      '--data',
      data,
      '--name',
      'm-file',
      '--metrics',
      `127.0.0.1:${await freePort()}`,
      '--json',
    ]);
    const nodeId = await joinedNodeId(p.output);
    await nodeIsReady(nodeId);
    expect(cmdline(p.proc.pid!)).toContain(`shoal manager --data ${data} (joined as m-file)`);
    // Left running (the cleanup stops it): the cluster's quorum needs it now.
  });

  it('refuses a missing, empty or unreadable token file, or no token at all, before creating anything', async () => {
    const remote = cluster.manager('m1').addr;
    const missing = join(lab.dir('token-missing'), 'token');
    const empty = tokenFile('empty', '\n');
    const aDirectory = lab.dir('token-dir');
    mkdirSync(aDirectory, { recursive: true });
    const cases: [string[], RegExp][] = [
      [['worker', 'join', remote, '--token-file', missing], new RegExp(`cannot read the join token from --token-file ${missing}: no such file`)],
      [
        ['worker', 'join', remote, '--token-file', empty],
        /no join token in --token-file .*: it must hold the worker token printed by `shoal join-token worker`/,
      ],
      [['worker', 'join', remote, '--token-file', aDirectory], /cannot read the join token from --token-file .*: it is a directory, not a file/],
      [['worker', 'join', remote], /a worker join token is needed: --token-file FILE, --token - to read it from stdin/],
      [['worker', 'join', remote, '--token', workerToken, '--token-file', empty], /give the join token one way: --token or --token-file, not both/],
      [
        ['manager', 'join', remote, '--listen', '127.0.0.1:1', '--token-file', empty],
        /no join token in --token-file .*: it must hold the manager token printed by `shoal join-token manager`/,
      ],
    ];
    for (const [args, message] of cases) {
      const data = lab.dir('refused');
      const r = await lab.runShoal([...args, '--data', data]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(data)).toBe(false);
    }
  });
});
