// Entry size limits on the manager: RaftHost refuses an entry over MAX_ENTRY_BYTES (naming the
// limit) and stays leader; a tasks.apply too large for one entry is proposed as several that
// fit, applied in order, with their skipped items merged; a command the store refuses to
// encode is the caller's INVALID_ARGUMENT, not INTERNAL.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrap, type ConfChange } from '@shoal/raft';
import { LevelStorage } from '@shoal/raft/level';
import { ClusterStore, decodeCommand, type Command, type TasksApplyCommand } from '@shoal/store';
import { proposeCommand, type ManagerContext } from '../src/context.js';
import { ManagerError } from '../src/errors.js';
import { MAX_ENTRY_BYTES, RaftHost, type StateMachine } from '../src/raft-host.js';
import { splitTaskBatch } from '../src/split-task-batch.js';

const dirs: string[] = [];
const hosts: RaftHost[] = [];
const storages: LevelStorage[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.stop();
  for (const s of storages.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Records every entry it applies, as bytes, and answers like the store does for tasks.apply. */
class RecordingMachine implements StateMachine {
  entries: Uint8Array[] = [];
  applyEntry(data: Uint8Array): unknown {
    this.entries.push(data);
    const cmd = decodeCommand(data);
    // Every update of a task named "skip-..." is "skipped", as the store does with a stale version.
    const failed =
      cmd.type === 'tasks.apply'
        ? cmd.updates.filter((u) => u.id.startsWith('skip')).map((u) => ({ id: u.id, code: 'UPDATE_OUT_OF_SEQUENCE', message: 'stale' }))
        : [];
    return { ok: true, value: { failed } };
  }
  applyConfChange(_cc: ConfChange): void {}
  snapshot(): Uint8Array {
    return new Uint8Array();
  }
  restore(): void {}
}

/** A lone voter that elects itself: a leader to propose to. */
async function leader(): Promise<{ host: RaftHost; sm: RecordingMachine; ctx: ManagerContext }> {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-entry-limits-'));
  dirs.push(dir);
  const storage = await LevelStorage.open(dir);
  storages.push(storage);
  await bootstrap(storage, ['a'], new Uint8Array());
  const sm = new RecordingMachine();
  const host = new RaftHost({
    id: 'a',
    storage,
    stateMachine: sm,
    transport: { send: () => {}, reachable: () => true },
    timings: { tickMs: 5, heartbeatTicks: 1, electionTicks: 10, snapshotEvery: 10_000, keepEntries: 100 },
    logger: pino({ level: 'silent' }),
    addressOf: () => undefined,
  });
  hosts.push(host);
  host.start({ campaign: true });
  const deadline = Date.now() + 5000;
  while (!host.isLeader) {
    if (Date.now() > deadline) throw new Error('the lone voter did not become leader');
    await new Promise((r) => setTimeout(r, 5));
  }
  const ctx = {
    nodeId: 'a',
    clusterId: 'c',
    store: new ClusterStore(),
    host,
    logger: pino({ level: 'silent' }),
    reachable: () => true,
    addressOf: () => undefined,
  } as ManagerContext;
  return { host, sm, ctx };
}

const AT = '2025-01-01T00:00:00.000Z';
const id = (prefix: string, i: number): string => `${prefix}${String(i).padStart(25 - prefix.length, '0')}`;

/** A status update whose error text makes it ~`bytes` long. */
function update(taskId: string, bytes: number): TasksApplyCommand['updates'][number] {
  return { id: taskId, patch: { status: { state: 'failed', message: 'task failed', error: 'e'.repeat(Math.min(bytes, 8000)) } } };
}

describe('Raft entry limit', () => {
  it('refuses an entry over 1 MiB naming the limit and the size, and stays leader; 1 MiB itself is fine', async () => {
    const { host, sm } = await leader();
    const termBefore = host.status().term;
    const e = await host.propose(new Uint8Array(MAX_ENTRY_BYTES + 1)).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ManagerError);
    expect((e as ManagerError).code).toBe('INVALID_ARGUMENT');
    expect((e as ManagerError).message).toMatch(/^the change is 1048577 bytes encoded; a Raft entry may be at most 1048576 bytes \(1 MiB\)/);
    expect(sm.entries).toHaveLength(0);
    expect(host.isLeader).toBe(true);
    expect(host.status().term).toBe(termBefore);
  });

  it('splits a tasks.apply too large for one entry into entries that fit, in order, and merges what was skipped', async () => {
    const { sm, ctx } = await leader();
    // 400 updates of ~8 kB: ~3.3 MB, and one of them skipped by the state machine.
    const updates = Array.from({ length: 400 }, (_, i) => update(i === 250 ? id('skip', i) : id('t', i), 8000));
    const cmd: Command = { type: 'tasks.apply', at: AT, creates: [], updates, removes: [id('r', 1)] };
    const value = await proposeCommand(ctx, cmd);
    expect(value).toEqual({ failed: [{ id: id('skip', 250), code: 'UPDATE_OUT_OF_SEQUENCE', message: 'stale' }] });
    expect(sm.entries.length).toBeGreaterThanOrEqual(4);
    for (const data of sm.entries) expect(data.byteLength).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
    // Every item applied exactly once, in the original order (updates, then the remove).
    const applied = sm.entries.map((d) => decodeCommand(d) as TasksApplyCommand);
    expect(applied.flatMap((c) => c.updates.map((u) => u.id))).toEqual(updates.map((u) => u.id));
    expect(applied.flatMap((c) => c.removes)).toEqual([id('r', 1)]);
    expect(applied.at(-1)!.removes).toEqual([id('r', 1)]);
  });

  it('a malformed command from a client (a bad availability) is INVALID_ARGUMENT, not INTERNAL', async () => {
    const { ctx } = await leader();
    const e = await proposeCommand(ctx, { type: 'node.update', at: AT, id: id('n', 1), patch: { availability: 'bogus' as 'active' } }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect((e as ManagerError).code).toBe('INVALID_ARGUMENT');
    expect((e as ManagerError).message).toContain('patch.availability');
  });
});

describe('splitTaskBatch', () => {
  it('keeps a batch that fits whole, and splits by bytes and by MAX_TASK_BATCH items', () => {
    const small: TasksApplyCommand = { type: 'tasks.apply', at: AT, creates: [], updates: [update(id('t', 1), 100)], removes: [] };
    expect(splitTaskBatch(small, MAX_ENTRY_BYTES)).toEqual([small]);
    const creates = Array.from({ length: 25_000 }, (_, i) => ({ id: id('c', i), serviceId: id('s', 1), slot: i + 1 }));
    const parts = splitTaskBatch({ type: 'tasks.apply', at: AT, creates, updates: [], removes: [] }, 64 << 20);
    expect(parts.map((p) => p.creates.length)).toEqual([10_000, 10_000, 5_000]);
    expect(parts.flatMap((p) => p.creates)).toEqual(creates);
  });
});
