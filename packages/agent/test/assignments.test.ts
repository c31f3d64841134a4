// Assignments off the wire: each task is decoded and checked by the store's rules before the
// executor sees it, and a malformed one is rejected with the reason instead of being started.

import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { normalizeServiceSpec, type TaskObject } from '@shoal/store';
import { assignedTaskToWire, type Assignments__Output, type TaskReport } from '@shoal/wire';
import { readAssignments } from '../src/assignments.js';
import { Executor } from '../src/executor.js';
import type { Runtime } from '../src/runtime/runtime.js';

const SPEC = normalizeServiceSpec({ name: 'web', task: { runtime: 'process', command: ['sleep', '1'] } });

function storedTask(id: string): TaskObject {
  return {
    id,
    name: `web.1.${id.slice(0, 6)}`,
    version: 3,
    serviceId: 'svcsvcsvcsvcsvcsvcsvcsvc1',
    serviceName: 'web',
    serviceVersion: 2,
    specVersion: 2,
    slot: 1,
    nodeId: 'nodenodenodenodenodenode1',
    spec: SPEC.task,
    ports: [],
    desiredState: 'running',
    status: { state: 'assigned', message: '', error: '', exitCode: null, at: '2026-01-01T00:00:00.000Z', runtimeId: '', healthy: null },
    port: 0,
    attempt: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

/** As the session hands it over: the message decoded by grpc (64-bit numbers as strings). */
function decoded(tasks: TaskObject[], broken: (w: ReturnType<typeof assignedTaskToWire>) => object = (w) => w): Assignments__Output {
  return {
    full: true,
    removed: [],
    assigned: tasks.map((t) => {
      const w = broken(assignedTaskToWire(t)) as ReturnType<typeof assignedTaskToWire>;
      return {
        taskId: t.id,
        desiredState: t.desiredState,
        task: { ...w, serviceVersion: String(w.serviceVersion) },
      } as unknown as Assignments__Output['assigned'][number];
    }),
  };
}

describe('readAssignments', () => {
  it('decodes each task as the store holds it', () => {
    const a = readAssignments(decoded([storedTask('abcdefabcdefabcdefabcdef1')]));
    expect(a.unreadable).toEqual([]);
    expect(a.assigned.map((t) => [t.id, t.serviceVersion, t.state, t.spec.command])).toEqual([['abcdefabcdefabcdefabcdef1', 2, 'assigned', ['sleep', '1']]]);
  });

  it('sets a malformed task apart with the reason, and the executor rejects it without starting it', () => {
    const a = readAssignments(decoded([storedTask('abcdefabcdefabcdefabcdef2')], (w) => ({ ...w, nodeId: 'NOT AN ID' })));
    expect(a.assigned).toEqual([]);
    expect(a.unreadable).toEqual([
      { taskId: 'abcdefabcdefabcdefabcdef2', error: expect.stringMatching(/^invalid task from the leader: task\.nodeId must be an object id/) as unknown },
    ]);

    const reports: TaskReport[] = [];
    const started: string[] = [];
    const runtime = { on: () => runtime, start: (l: { taskId: string }) => started.push(l.taskId) } as unknown as Runtime;
    new Executor(runtime, (r) => reports.push(r), pino({ enabled: false }), '127.0.0.1').apply(a);
    expect(started).toEqual([]);
    expect(reports).toEqual([expect.objectContaining({ taskId: 'abcdefabcdefabcdefabcdef2', state: 'rejected', error: a.unreadable[0]!.error })]);
  });
});
