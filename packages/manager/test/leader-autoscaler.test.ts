// The autoscaler's planner (HPA semantics) against a real store, a clock the test moves and a
// load board the test fills: up under load once the up-window passed, no flapping inside the
// tolerance band, down only after the stabilization window, min/max, missing samples, updates.

import { describe, expect, it } from 'vitest';
import { encodeCommand, normalizeAutoscale, type AutoscaleInput, type Command } from '@shoal/store';
import { planAutoscaling, RecommendationHistory, type AutoscalePlan } from '../src/leader/autoscaler/autoscale-plan.js';
import { TaskLoadBoard } from '../src/task-load.js';
import { TestCluster } from './test-cluster.js';

const SECOND = 1_000;

class Scene {
  readonly c = new TestCluster();
  readonly board = new TaskLoadBoard();
  readonly history = new RecommendationHistory();

  constructor(replicas: number, autoscale: AutoscaleInput) {
    this.c.addNode('w1');
    this.c.addNode('w2');
    this.c.createService('web', { replicas });
    this.c.apply({ type: 'service.autoscale', at: this.c.at, id: this.c.service('web').id, autoscale: normalizeAutoscale(autoscale) });
    this.c.converge();
  }

  get replicas(): number {
    return this.c.service('web').spec.replicas;
  }

  /** Every running task reports this CPU (from its own node) and these open connections (from w1's mesh). */
  load(o: { cpu?: number | null; connections?: number; only?: number }): void {
    const running = this.c.live('web').filter((t) => t.status.state === 'running');
    for (const t of running.slice(0, o.only ?? running.length)) {
      this.board.record([
        {
          taskId: t.id,
          nodeId: t.nodeId,
          cpuPercent: o.cpu === undefined ? null : o.cpu,
          openConnections: o.connections ?? 0,
          totalConnections: 0,
          bytesIn: 0,
          bytesOut: 0,
          connectErrors: 0,
          atMs: this.c.now,
        },
      ]);
    }
  }

  plan(): AutoscalePlan {
    return planAutoscaling(this.c.store, this.board, this.history, this.c.now);
  }

  /** Plans, applies the decisions and lets the cluster converge; returns the plan. */
  step(ms = 0): AutoscalePlan {
    this.c.advance(ms);
    const plan = this.plan();
    for (const cmd of plan.commands) this.c.apply(cmd as Command);
    this.c.converge();
    return plan;
  }
}

describe('planAutoscaling', () => {
  it('scales up under load only once the recommendation held for the scale-up window', () => {
    const s = new Scene(2, { minReplicas: 1, maxReplicas: 10, targetCpuPercent: 50, scaleUpWindowMs: 10 * SECOND });
    s.load({ cpu: 100 });
    expect(s.step().outcomes[0]).toMatchObject({ hold: 'up-window' });
    for (let i = 0; i < 4; i++) {
      s.load({ cpu: 100 });
      expect(s.step(2 * SECOND).commands).toEqual([]);
    }
    s.load({ cpu: 100 });
    const plan = s.step(2 * SECOND);
    expect(plan.outcomes[0]).toMatchObject({ fromReplicas: 2, toReplicas: 4 });
    expect(plan.outcomes[0]!.reason).toContain('cpu 100% per task vs target 50%');
    expect(s.replicas).toBe(4);
    const decisions = s.c.service('web').autoscaleDecisions!;
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ fromReplicas: 2, toReplicas: 4 });
    expect(s.c.live('web')).toHaveLength(4);
  });

  it('a dip inside the scale-up window holds the service where it is', () => {
    const s = new Scene(2, { minReplicas: 1, maxReplicas: 10, targetCpuPercent: 50, scaleUpWindowMs: 4 * SECOND });
    s.load({ cpu: 100 });
    s.step();
    s.load({ cpu: 50 }); // back on target for one poll
    s.step(2 * SECOND);
    s.load({ cpu: 100 });
    expect(s.step(2 * SECOND).commands).toEqual([]); // the dip is still inside the window
    s.load({ cpu: 100 });
    s.step(2 * SECOND);
    s.load({ cpu: 100 });
    expect(s.step(1 * SECOND).commands).toHaveLength(1);
    expect(s.replicas).toBe(4);
  });

  it('does not flap inside the tolerance band', () => {
    const s = new Scene(4, { minReplicas: 1, maxReplicas: 10, targetConnections: 10, scaleUpWindowMs: 0, scaleDownWindowMs: 0, tolerance: 0.1 });
    for (const connections of [10, 11, 9, 10.9, 9.1, 10]) {
      s.load({ connections });
      const plan = s.step(SECOND);
      expect(plan.commands).toEqual([]);
      expect(plan.outcomes[0]).toMatchObject({ hold: 'steady' });
      expect(plan.outcomes[0]!.reason).toContain('within the 10% tolerance');
    }
    s.load({ connections: 12 });
    expect(s.step(SECOND).outcomes[0]).toMatchObject({ toReplicas: 5 }); // ceil(4 × 1.2)
  });

  it('scales down only after the stabilization window, to its highest recommendation', () => {
    const s = new Scene(6, { minReplicas: 2, maxReplicas: 10, targetConnections: 10, scaleUpWindowMs: 0, scaleDownWindowMs: 60 * SECOND });
    s.load({ connections: 10 });
    s.step();
    // Load drops: 6 tasks × 5 = 30 connections → 3 tasks. Inside the window: held.
    for (let t = 0; t < 50; t += 10) {
      s.load({ connections: 5 });
      expect(s.step(10 * SECOND).commands).toEqual([]);
      expect(s.replicas).toBe(6);
    }
    // 60 s after the last "6" recommendation, the highest left is 3.
    s.load({ connections: 5 });
    s.step(10 * SECOND);
    s.load({ connections: 5 });
    const plan = s.step(1 * SECOND);
    expect(plan.outcomes[0]).toMatchObject({ fromReplicas: 6, toReplicas: 3 });
    expect(plan.outcomes[0]!.reason).toContain('highest recommendation of the last');
    expect(s.replicas).toBe(3);
  });

  it('stays within min and max, and says when a bound cut the recommendation', () => {
    const s = new Scene(2, { minReplicas: 2, maxReplicas: 5, targetCpuPercent: 10, scaleUpWindowMs: 0, scaleDownWindowMs: 0 });
    s.load({ cpu: 100 }); // would want 20
    const up = s.step();
    expect(up.outcomes[0]).toMatchObject({ toReplicas: 5 });
    expect(up.outcomes[0]!.reason).toContain('(max 5)');
    s.load({ cpu: 0 }); // would want 0
    const down = s.step(SECOND);
    expect(down.outcomes[0]).toMatchObject({ toReplicas: 2 });
    expect(down.outcomes[0]!.reason).toContain('(min 2)');
    s.load({ cpu: 0 });
    expect(s.step(SECOND).commands).toEqual([]);
  });

  it('brings a service outside its bounds back at once (autoscaling just set, or a manual scale)', () => {
    const s = new Scene(1, { minReplicas: 3, maxReplicas: 5, targetCpuPercent: 50 });
    expect(s.step().outcomes[0]).toMatchObject({ fromReplicas: 1, toReplicas: 3 });
    s.c.updateService('web', { replicas: 9 });
    s.c.converge();
    expect(s.step().outcomes[0]).toMatchObject({ fromReplicas: 9, toReplicas: 5 });
  });

  it('does not scale on missing data: no samples, too few tasks sampled, stale samples, no CPU figure', () => {
    const s = new Scene(4, { minReplicas: 1, maxReplicas: 10, targetCpuPercent: 50, scaleUpWindowMs: 0, scaleDownWindowMs: 0 });
    const plan = s.step();
    expect(plan.commands).toEqual([]);
    expect(plan.outcomes[0]).toMatchObject({ hold: 'missing-samples' });
    expect(plan.outcomes[0]!.reason).toContain('cpu load known for 0 of 4 running tasks (at least 2 needed): not scaling');
    s.load({ cpu: 0, only: 1 });
    expect(s.step(SECOND).outcomes[0]).toMatchObject({ hold: 'missing-samples' });
    s.load({ cpu: null });
    expect(s.step(SECOND).outcomes[0]).toMatchObject({ hold: 'missing-samples' });
    s.load({ cpu: 100 });
    s.c.advance(60 * SECOND); // the samples go stale
    expect(s.step().outcomes[0]).toMatchObject({ hold: 'missing-samples' });
    // Half the tasks are enough; the mean is over those.
    s.load({ cpu: 100, only: 2 });
    expect(s.step().outcomes[0]).toMatchObject({ toReplicas: 8 });
  });

  it('counts connections through every node’s mesh', () => {
    const s = new Scene(2, { minReplicas: 1, maxReplicas: 10, targetConnections: 10, scaleUpWindowMs: 0 });
    const running = s.c.live('web');
    for (const t of running) {
      for (const node of ['w1', 'w2']) {
        s.board.record([
          {
            taskId: t.id,
            nodeId: s.c.node(node).id,
            cpuPercent: null,
            openConnections: 10,
            totalConnections: 0,
            bytesIn: 0,
            bytesOut: 0,
            connectErrors: 0,
            atMs: s.c.now,
          },
        ]);
      }
    }
    const plan = s.step();
    expect(plan.outcomes[0]).toMatchObject({ toReplicas: 4 });
    expect(plan.outcomes[0]!.reason).toContain('connections 20 per task');
  });

  it('holds while a rolling update is in progress', () => {
    const s = new Scene(2, { minReplicas: 1, maxReplicas: 10, targetCpuPercent: 50, scaleUpWindowMs: 0 });
    s.load({ cpu: 100 });
    const service = s.c.service('web');
    const updating = { ...service, updateStatus: { state: 'updating' } };
    const view = { ...s.c.store, services: () => [updating], tasksOfService: (id: string) => s.c.store.tasksOfService(id) };
    const plan = planAutoscaling(view as unknown as typeof s.c.store, s.board, s.history, s.c.now);
    expect(plan.commands).toEqual([]);
    expect(plan.outcomes[0]).toMatchObject({ hold: 'update' });
  });

  it('a decision made on an older view is refused by the store', () => {
    const s = new Scene(2, { minReplicas: 1, maxReplicas: 10, targetCpuPercent: 50, scaleUpWindowMs: 0 });
    s.load({ cpu: 100 });
    const plan = s.plan();
    s.c.updateService('web', { replicas: 3 }); // a user scaled meanwhile
    const r = s.c.store.apply(plan.commands[0]!, ++s.c.index);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('UPDATE_OUT_OF_SEQUENCE');
    expect(s.replicas).toBe(3);
  });

  it('keeps the last 20 decisions, newest last', () => {
    const s = new Scene(1, { minReplicas: 1, maxReplicas: 2, targetConnections: 10, scaleUpWindowMs: 0, scaleDownWindowMs: 0 });
    for (let i = 0; i < 25; i++) {
      s.load({ connections: s.replicas === 1 ? 30 : 0 });
      s.step(SECOND);
    }
    const decisions = s.c.service('web').autoscaleDecisions!;
    expect(decisions).toHaveLength(20);
    expect(decisions.at(-1)!.at).toBe(new Date(s.c.now).toISOString());
  });
});

describe('autoscale config', () => {
  it('refuses bad input with a clear error', () => {
    const bad = (input: AutoscaleInput): string => {
      try {
        normalizeAutoscale(input);
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(bad({ minReplicas: 5, maxReplicas: 3, targetCpuPercent: 50 })).toContain('--min 5 is larger than --max 3');
    expect(bad({ minReplicas: 1, maxReplicas: 3, targetCpuPercent: 50, targetConnections: 5 })).toContain('not both');
    expect(bad({ minReplicas: 1, maxReplicas: 3 })).toContain('give a target');
    expect(bad({ minReplicas: 0, maxReplicas: 3, targetCpuPercent: 50 })).toContain('--min must be a whole number from 1');
    expect(bad({ minReplicas: 1, maxReplicas: 20_000, targetCpuPercent: 50 })).toContain('--max must be a whole number from 1 to 10000');
    expect(bad({ minReplicas: 1, maxReplicas: 3, targetCpuPercent: -5 })).toContain('--target-cpu must be a number above 0');
    expect(bad({ minReplicas: 1, maxReplicas: 3, targetCpuPercent: 50, tolerance: 1.5 })).toContain('--tolerance must be a ratio from 0 to 1');
    expect(bad({ minReplicas: 1, maxReplicas: 3, targetCpuPercent: 50, scaleDownWindowMs: 7_200_000 })).toContain(
      '--scale-down-window must be a duration from 0 to 1h',
    );
    expect(normalizeAutoscale({ minReplicas: 1, maxReplicas: 3, targetConnections: 5 })).toEqual({
      minReplicas: 1,
      maxReplicas: 3,
      metric: 'connections',
      target: 5,
      scaleUpWindowMs: 15_000,
      scaleDownWindowMs: 300_000,
      tolerance: 0.1,
    });
  });

  it('commands are checked strictly, like every Raft entry', () => {
    const config = normalizeAutoscale({ minReplicas: 1, maxReplicas: 3, targetCpuPercent: 50 });
    const at = new Date(0).toISOString();
    const id = 'a'.repeat(25);
    expect(() => encodeCommand({ type: 'service.autoscale', at, id, autoscale: { ...config, minReplicas: 4 } })).toThrow(
      /autoscale\.minReplicas \(4\) is larger than maxReplicas \(3\)/,
    );
    expect(() => encodeCommand({ type: 'service.autoscale', at, id, autoscale: { ...config, target: 0 } })).toThrow(/autoscale\.target must be above 0/);
    expect(() =>
      encodeCommand({ type: 'service.autoscaleDecision', at, id, expectedVersion: 0, decision: { at, fromReplicas: 1, toReplicas: 2, reason: '' } }),
    ).toThrow(/expectedVersion must be at least 1/);
    expect(encodeCommand({ type: 'service.autoscale', at, id, autoscale: null })).toBeInstanceOf(Uint8Array);
  });

  it('is refused for a global service, and survives a snapshot', () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.createService('agent', { mode: 'global' });
    const r = c.store.apply(
      {
        type: 'service.autoscale',
        at: c.at,
        id: c.service('agent').id,
        autoscale: normalizeAutoscale({ minReplicas: 1, maxReplicas: 3, targetCpuPercent: 50 }),
      },
      ++c.index,
    );
    expect(!r.ok && r.error.message).toContain('is global');
    c.createService('web', { replicas: 1 });
    c.apply({
      type: 'service.autoscale',
      at: c.at,
      id: c.service('web').id,
      autoscale: normalizeAutoscale({ minReplicas: 1, maxReplicas: 3, targetCpuPercent: 50 }),
    });
    const copy = (c.store.constructor as unknown as { restore(s: unknown): typeof c.store }).restore(c.store.snapshot());
    expect(copy.findService('web').autoscale).toEqual(c.service('web').autoscale);
  });
});
