// The progress of `service update` / `service rollback` (commands/update-progress.ts), fed a
// recorded sequence of GetService / ListTasks answers: the rows it prints slot by slot, and how
// it ends (completed, a canary's hold, paused, rolled back, the timeout). Also the views of the
// update in `service ls` (UPDATE) and `service ps` (VERSION, history).

import { normalizeServiceSpec } from '@shoal/store';
import { serviceSpecToWire, type WireService__Output, type WireServiceSpec__Output, type WireTask__Output } from '@shoal/wire';
import { describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.js';
import { serviceRow, taskHistory, updateWord } from '../src/commands/service.js';
import { followUpdate, stageBar, updateProgress, verifyLine, type ServiceReader } from '../src/commands/update-progress.js';

type Status = NonNullable<WireService__Output['updateStatus']>;

function status(state: string, updated: number, extra: Partial<Status> = {}): Status {
  return { state, message: '', startedAt: '2026-01-01T00:00:10.000Z', completedAt: '', canary: 0, updated, total: 3, failed: 0, ...extra };
}

function service(specVersion: string, updateStatus: Status | null, replicas = 3): WireService__Output {
  return {
    id: 'svc1',
    name: 'web',
    version: '20',
    createdAt: '',
    updatedAt: '',
    running: replicas,
    desired: replicas,
    publishErrors: [],
    // A complete spec, as a manager sends it (64-bit integers as strings).
    spec: JSON.parse(
      JSON.stringify(serviceSpecToWire(normalizeServiceSpec({ name: 'web', replicas, task: { runtime: 'process', command: ['x'] } })), (k, v: unknown) =>
        typeof v === 'number' && Number.isInteger(v) && k !== 'maxFailureRatio' ? String(v) : v,
      ),
    ) as WireServiceSpec__Output,
    previousSpec: null,
    updateStatus,
    autoscale: null,
    autoscaleStatus: null,
    specVersion,
  };
}

let seq = 0;
function task(slot: number, specVersion: string, state: string, extra: Partial<WireTask__Output> = {}): WireTask__Output {
  seq++;
  return {
    id: `t${seq}`,
    name: `web.${slot}`,
    serviceId: 'svc1',
    serviceName: 'web',
    slot,
    nodeId: 'n1',
    nodeName: 'w1',
    desiredState: 'running',
    state,
    message: '',
    error: '',
    hasExitCode: false,
    exitCode: 0,
    port: 0,
    updatedAt: new Date().toISOString(),
    serviceVersion: '1',
    health: '',
    createdAt: `2026-01-01T00:00:${String(seq).padStart(2, '0')}.000Z`,
    specVersion,
    ...extra,
  };
}

/** A connection that answers each poll with the next recorded (service, tasks); the last repeats. */
function recorded(answers: readonly [WireService__Output, WireTask__Output[]][]): ServiceReader & { polls: number } {
  let i = 0;
  const reader = {
    polls: 0,
    call: async (method: string) => {
      const [svc, tasks] = answers[Math.min(i, answers.length - 1)]!;
      if (method === 'ListTasks') {
        i++;
        reader.polls++;
        return { tasks };
      }
      return svc;
    },
  };
  return reader as unknown as ServiceReader & { polls: number };
}

async function follow(answers: readonly [WireService__Output, WireTask__Output[]][], kind: 'update' | 'rollback' = 'update', before: Status | null = null) {
  const out: string[] = [];
  const result = await followUpdate(recorded(answers), 'svc1', { timeoutMs: 5000, kind, before, pollMs: 0, write: (s) => out.push(s) }).then(
    (r) => ({ ok: true as const, r }),
    (e: unknown) => ({ ok: false as const, e: e as CliError }),
  );
  return { out: out.join(''), result };
}

describe('update progress', () => {
  it('a bar per slot for the new tasks; old ones wait', () => {
    expect(stageBar('running')).toBe(`[${'='.repeat(29)}>]`);
    expect(stageBar('new')).toMatch(/^\[=+>\s+\]$/);
    const p = updateProgress(service('9', status('updating', 1)), [
      task(1, '5', 'shutdown', { desiredState: 'shutdown' }),
      task(1, '9', 'running'),
      task(2, '5', 'running'),
      task(2, '9', 'starting'),
      task(3, '5', 'running'),
      task(3, '9', 'failed', { desiredState: 'shutdown', error: 'exit 1' }),
    ]);
    expect(p.title).toBe('overall progress: 1 out of 3 tasks updated');
    expect(p.lines).toEqual([`1/3: running   ${stageBar('running')}`, `2/3: starting  ${stageBar('starting')}`, `3/3: failed    ${stageBar('failed')} exit 1`]);
    const waiting = updateProgress(service('9', status('updating', 0)), [task(1, '5', 'running')]);
    expect(waiting.lines).toEqual([`1/3: waiting   ${stageBar('')} (v5 running)`]);
    // Rolled back (start-first): the slot's task on the target version runs, the newer one failed.
    const back = updateProgress(service('5', status('rollback_completed', 1)), [
      task(1, '5', 'running'),
      task(1, '9', 'failed', { desiredState: 'shutdown', error: 'exit 3' }),
    ]);
    expect(back.lines).toEqual([`1/3: running   ${stageBar('running')}`]);
    expect(back.title).toBe('rollback progress: 1 out of 3 tasks rolled back');
  });

  it('follows an update until it completes, ignoring the status of the update before', async () => {
    const old = status('completed', 3, { startedAt: '2026-01-01T00:00:00.000Z' });
    const { out, result } = await follow(
      [
        [service('5', old), [task(1, '5', 'running')]],
        // The old status with other counts (they are counted at each read) is still not ours.
        [service('5', { ...old, updated: 2, failed: 1 }), [task(1, '5', 'running')]],
        [service('9', status('updating', 0)), [task(1, '5', 'running'), task(1, '9', 'pending')]],
        [service('9', status('updating', 2)), [task(1, '9', 'running'), task(2, '9', 'running'), task(3, '9', 'starting')]],
        [service('9', status('completed', 3)), [task(1, '9', 'running'), task(2, '9', 'running'), task(3, '9', 'running')]],
      ],
      'update',
      old,
    );
    expect(result.ok).toBe(true);
    expect(out).toContain('overall progress: starting\n');
    expect(out).toContain('overall progress: 2 out of 3 tasks updated\n');
    expect(out).toContain('overall progress: 3 out of 3 tasks updated\n');
    expect(out).toContain(`3/3: running   ${stageBar('running')}\n`);
    if (result.ok) expect(verifyLine(result.r, 'update')).toBe('verify: service updated\n');
  });

  it('a canary hold succeeds and says how to go on', async () => {
    const hold = status('paused', 2, { canary: 2, message: 'canary: 2 of 3 tasks run version 9; `shoal service update web --continue` finishes' });
    const { result } = await follow([[service('9', hold), [task(1, '9', 'running'), task(2, '9', 'running'), task(3, '5', 'running')]]]);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(verifyLine(result.r, 'update')).toBe('canary: 2 of 3 tasks run version 9; `shoal service update web --continue` finishes\n');
      const bare = { ...result.r, service: { ...result.r.service, updateStatus: { ...hold, message: '' } } };
      expect(verifyLine(bare, 'update')).toMatch(/^canary: 2 of 3 tasks run the new spec/);
      expect(verifyLine(bare, 'update')).toContain('shoal service update web --continue');
    }
  });

  it('a pause for failures fails with the reason and what to do', async () => {
    const paused = status('paused', 1, { failed: 1, message: 'update paused: task web.2 failed: exit 1' });
    const { result } = await follow([[service('9', paused), [task(1, '9', 'running')]]]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.e).toBeInstanceOf(CliError);
      expect(result.e.code).toBe('PAUSED');
      expect(result.e.message).toMatch(/^update paused: task web.2 failed: exit 1\nresume it with `shoal service update web --continue`/);
    }
  });

  it('an update rolled back by itself fails with the reason; a rollback asked for succeeds', async () => {
    const rolled = status('rollback_completed', 3, { message: 'update rolled back: 2 of 3 updated tasks failed' });
    const asUpdate = await follow([[service('5', rolled), [task(1, '5', 'running')]]]);
    expect(asUpdate.result.ok).toBe(false);
    if (!asUpdate.result.ok)
      expect(asUpdate.result.e.message).toMatch(/^update rolled back: 2 of 3 updated tasks failed\nthe service runs its previous spec again/);
    // The reason comes from the rollback's start when its end only says "completed".
    const started = status('rollback_started', 0, { message: 'update rolled back: task web.1 failed: exit 3' });
    const later = await follow([
      [service('5', started), [task(1, '5', 'running')]],
      [service('5', status('rollback_completed', 3, { message: 'rollback completed' })), [task(1, '5', 'running')]],
    ]);
    if (!later.result.ok) expect(later.result.e.message).toMatch(/^update rolled back: task web.1 failed: exit 3\n/);
    expect(later.result.ok).toBe(false);
    // Missed the start (a quick rollback): the update's failed tasks say why.
    const quick = await followUpdate(
      recorded([
        [
          service('5', status('rollback_completed', 3, { message: 'rollback completed' })),
          [task(1, '5', 'running'), task(1, '9', 'failed', { desiredState: 'shutdown', error: 'exited with code 3' })],
        ],
      ]),
      'svc1',
      { timeoutMs: 5000, kind: 'update', before: null, updateVersion: '9', pollMs: 0, write: () => undefined },
    ).catch((e: unknown) => e as CliError);
    expect((quick as CliError).message).toMatch(/^update rolled back: task web\.1 failed: exited with code 3\n/);
    const asRollback = await follow(
      [
        [service('5', status('rollback_started', 1)), [task(1, '5', 'running')]],
        [service('5', rolled), [task(1, '5', 'running')]],
      ],
      'rollback',
    );
    expect(asRollback.result.ok).toBe(true);
    expect(asRollback.out).toContain('rollback progress: 1 out of 3 tasks rolled back\n');
    if (asRollback.result.ok) expect(verifyLine(asRollback.result.r, 'rollback')).toBe('rollback: service rolled back\n');
  });

  it('gives up at the timeout, saying the update goes on', async () => {
    const r = recorded([[service('9', status('updating', 1)), [task(1, '9', 'running')]]]);
    const e = await followUpdate(r, 'svc1', { timeoutMs: 30, kind: 'update', before: null, pollMs: 5, write: () => undefined }).catch(
      (x: unknown) => x as CliError,
    );
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).code).toBe('TIMEOUT');
    expect((e as CliError).message).toMatch(/^the update did not finish within 0 s \(1 out of 3 tasks updated\); it goes on in the background/);
  });
});

describe('update views', () => {
  it('service ls: the update in a word', () => {
    expect(updateWord(null)).toBe('');
    expect(updateWord(status('updating', 3, { total: 6 }))).toBe('updating 3/6');
    expect(updateWord(status('paused', 1, { failed: 1, canary: 2, message: 'update paused: task web.1 failed' }))).toBe('paused');
    expect(updateWord(status('paused', 2, { canary: 2 }))).toBe('canary 2/3');
    expect(updateWord(status('completed', 3))).toBe('completed');
    expect(updateWord(status('rollback_completed', 3))).toBe('rolled back');
    expect(serviceRow(service('9', status('completed', 3)))).toMatchObject({ specVersion: 9, update: 'completed' });
  });

  it('service ps: each slot with its earlier tasks under it, replaced versions kept', () => {
    const long = '2000-01-01T00:00:00.000Z';
    const old1 = task(1, '5', 'shutdown', { desiredState: 'shutdown', updatedAt: long });
    const new1 = task(1, '9', 'running');
    const old2 = task(2, '5', 'running');
    const crash = task(2, '5', 'failed', { desiredState: 'shutdown', updatedAt: long });
    const rows = taskHistory([old2, new1, old1, crash], false);
    // Slot 1's replaced v5 task shows under its v9 one; slot 2's failure of long ago does not.
    expect(rows.map((r) => [r.task.id, r.history])).toEqual([
      [new1.id, false],
      [old1.id, true],
      [old2.id, false],
    ]);
    expect(taskHistory([old2, crash], true).map((r) => [r.task.id, r.history])).toEqual([
      [old2.id, false],
      [crash.id, true],
    ]);
  });
});
