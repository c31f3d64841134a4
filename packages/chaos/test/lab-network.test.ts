// The chaos lab's network, for real (root and network namespaces only; skipped otherwise with
// the reason): namespaces are made, a partition really blocks TCP between two of them and heal
// restores it, one-way drops cut only one direction, and teardown or a sweep after a crash
// leaves no namespace behind.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChaosLab, sweepLeftovers } from '../src/lab/lab.js';
import { labUnavailableReason } from '../src/lab/preflight.js';
import { listNamespaces } from '../src/lab/sh.js';

const unavailable = labUnavailableReason();
if (unavailable) console.warn(`chaos lab network tests SKIPPED: ${unavailable}`);

/** Whether a TCP connection from `fromNs` to HOST:PORT opens within 1.5 s. */
function connects(fromNs: string, host: string, port: number): boolean {
  const script = `const s=require('net').connect(${port},'${host}');s.setTimeout(1500);s.on('connect',()=>process.exit(0));s.on('timeout',()=>process.exit(3));s.on('error',()=>process.exit(4));`;
  return spawnSync('ip', ['netns', 'exec', fromNs, process.execPath, '-e', script], { timeout: 10_000 }).status === 0;
}

/** A TCP server inside `ns` (teardown kills it with everything else in the namespace). */
function serve(ns: string, host: string, port: number): void {
  spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', `require('net').createServer((c)=>c.end()).listen(${port},'${host}')`], {
    stdio: 'ignore',
    detached: true,
  }).unref();
}

function ourNamespaces(lab: ChaosLab): string[] {
  return listNamespaces().filter((ns) => ns.startsWith(`${lab.network.prefix}-`));
}

describe.skipIf(unavailable !== undefined)('chaos lab network', () => {
  const labs: ChaosLab[] = [];
  const dirs: string[] = [];
  afterEach(() => {
    for (const lab of labs.splice(0)) lab.teardown();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function newLab(): ChaosLab {
    const parent = mkdtempSync(join(tmpdir(), 'shc-lab-test-'));
    dirs.push(parent);
    const runDir = join(parent, 'run');
    const lab = new ChaosLab({ runId: `t${process.pid.toString(36).slice(-4)}${labs.length}`, runDir, managers: 3, workers: 0 });
    labs.push(lab);
    lab.setUp();
    return lab;
  }

  it('partitions and heals TCP between namespaces, and teardown removes every namespace', async () => {
    const lab = newLab();
    expect(ourNamespaces(lab).sort()).toEqual(['client', 'hub', 'm1', 'm2', 'm3'].map((n) => `${lab.network.prefix}-${n}`).sort());
    const m1 = lab.network.host('m1');
    const m2 = lab.network.host('m2');
    serve(m2.ns, m2.ip, 7000);
    serve(m1.ns, m1.ip, 7000);
    await expect.poll(() => connects(m1.ns, m2.ip, 7000), { timeout: 10_000 }).toBe(true);

    lab.network.cut('m1', 'm2');
    expect(connects(m1.ns, m2.ip, 7000)).toBe(false);
    expect(connects(m2.ns, m1.ip, 7000)).toBe(false);
    expect(connects(lab.network.host('m3').ns, m2.ip, 7000)).toBe(true); // only that pair is cut

    lab.network.heal();
    expect(connects(m1.ns, m2.ip, 7000)).toBe(true);

    // One way: only m1's packets to m2 are dropped (TCP breaks both ways, the handshake needs
    // both directions, so the rules themselves show the direction).
    lab.network.dropOneWay('m1', 'm2');
    const rules = spawnSync('ip', ['netns', 'exec', m1.ns, 'iptables', '-S', 'OUTPUT'], { encoding: 'utf8' }).stdout;
    expect(rules).toContain(`-d ${m2.ip}/32 -j DROP`);
    expect(spawnSync('ip', ['netns', 'exec', m2.ns, 'iptables', '-S', 'OUTPUT'], { encoding: 'utf8' }).stdout).not.toContain('DROP');
    expect(connects(m1.ns, m2.ip, 7000)).toBe(false);

    lab.teardown();
    expect(ourNamespaces(lab)).toEqual([]);
  });

  it('sweeps the namespaces of a run whose owner died', () => {
    const lab = newLab();
    const stateFile = join(lab.o.runDir, 'lab-state.json');
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid!; // exited already
    writeFileSync(stateFile, JSON.stringify({ ...JSON.parse(readFileSync(stateFile, 'utf8')), ownerPid: dead }));
    const root = join(lab.o.runDir, '..');
    expect(sweepLeftovers(root)).toContain(lab.network.prefix);
    expect(ourNamespaces(lab)).toEqual([]);
  });
});
