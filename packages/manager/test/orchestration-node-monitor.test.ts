// Node health from heartbeats: who is marked down, who is ready again, and the grace period
// that keeps a control-plane failover from rescheduling healthy work.

import type { NodeUpdateCommand } from '@shoal/store';
import { describe, expect, it } from 'vitest';
import { formatDuration, planNodeHealth, type HeartbeatFacts } from '../src/orchestration/node-monitor.js';
import { T0, TestCluster } from './orchestration-harness.js';

const HB = 500;

function setup(): TestCluster {
  const c = new TestCluster();
  c.addNode('w1');
  c.addNode('w2');
  return c;
}

function facts(c: TestCluster, o: Partial<HeartbeatFacts> & { seen?: Record<string, number>; up?: string[] }): HeartbeatFacts {
  return {
    lastSeen: o.lastSeen ?? new Map(Object.entries(o.seen ?? {}).map(([n, at]) => [c.node(n).id, at])),
    connected: o.connected ?? new Set((o.up ?? []).map((n) => c.node(n).id)),
    nowMs: o.nowMs ?? c.now,
    heartbeatMs: o.heartbeatMs ?? HB,
    leaderSinceMs: o.leaderSinceMs ?? T0 - 60_000,
  };
}

const statuses = (cmds: NodeUpdateCommand[]): Record<string, unknown> => Object.fromEntries(cmds.map((c) => [c.id, c.patch.status]));

describe('planNodeHealth', () => {
  it('a connected node silent for 3 periods is down, with a message saying how long', () => {
    const c = setup();
    c.advance(1_600);
    const plan = planNodeHealth(c.store, facts(c, { seen: { w1: T0, w2: T0 + 1_500 }, up: ['w1', 'w2'] }));
    expect(plan.down).toEqual([c.node('w1').id]);
    expect(statuses(plan.commands)).toEqual({ [c.node('w1').id]: { state: 'down', message: 'no heartbeat for 1.6 s (heartbeat every 500 ms)' } });
    expect(plan.commands[0]?.expectedVersion).toBe(c.node('w1').version);
  });

  it('not yet 3 periods: nobody is down, and nextCheckMs is when the first would be', () => {
    const c = setup();
    c.advance(1_400);
    const plan = planNodeHealth(c.store, facts(c, { seen: { w1: T0, w2: T0 + 1_000 }, up: ['w1', 'w2'] }));
    expect(plan.commands).toEqual([]);
    expect(plan.nextCheckMs).toBe(T0 + 1_500);
  });

  it('a disconnected node is down after 2 silent periods', () => {
    const c = setup();
    c.advance(1_100);
    const plan = planNodeHealth(c.store, facts(c, { seen: { w1: T0, w2: T0 + 1_000 }, up: ['w2'] }));
    expect(plan.down).toEqual([c.node('w1').id]);
    expect(plan.commands[0]?.patch.status?.message).toBe('disconnected; no heartbeat for 1.1 s (heartbeat every 500 ms)');
  });

  it('a node whose agent said goodbye (a planned restart) may stay away until the time it asked for', () => {
    const c = setup();
    c.advance(5_000);
    const returningBy = new Map([[c.node('w1').id, T0 + 15_000]]);
    const away = planNodeHealth(c.store, { ...facts(c, { seen: { w1: T0, w2: c.now } , up: ['w2'] }), returningBy });
    expect(away.commands).toEqual([]);
    c.advance(9_999);
    expect(planNodeHealth(c.store, { ...facts(c, { seen: { w1: T0, w2: c.now }, up: ['w2'] }), returningBy }).commands).toEqual([]);
    // Not back in time: down, saying so.
    c.advance(2);
    const late = planNodeHealth(c.store, { ...facts(c, { seen: { w1: T0, w2: c.now }, up: ['w2'] }), returningBy });
    expect(late.down).toEqual([c.node('w1').id]);
    expect(late.commands[0]?.patch.status?.message).toBe('its agent stopped to restart and did not come back within 15.0 s');
    // The promise covers a closed session only: connected but silent is the usual rule.
    c.advance(-10_001);
    const silent = planNodeHealth(c.store, { ...facts(c, { seen: { w1: T0, w2: c.now }, up: ['w1', 'w2'] }), returningBy });
    expect(silent.down).toEqual([c.node('w1').id]);
  });

  it('nobody is marked down within max(3 periods, 2 s) of the election', () => {
    const c = setup();
    const elected = c.now;
    c.advance(1_900);
    // Never heard from since the election (the previous leader held the sessions).
    expect(planNodeHealth(c.store, facts(c, { leaderSinceMs: elected })).commands).toEqual([]);
    expect(planNodeHealth(c.store, facts(c, { leaderSinceMs: elected })).nextCheckMs).toBe(elected + 2_000);
    c.advance(100);
    const plan = planNodeHealth(c.store, facts(c, { leaderSinceMs: elected }));
    expect(plan.down.sort()).toEqual([c.node('w1').id, c.node('w2').id].sort());
    expect(plan.commands[0]?.patch.status?.message).toMatch(/^disconnected; no heartbeat since this manager became leader 2\.0 s ago/);
    // With slow heartbeats the grace is 3 periods.
    expect(planNodeHealth(c.store, facts(c, { leaderSinceMs: elected, heartbeatMs: 5_000, nowMs: elected + 14_000 })).commands).toEqual([]);
  });

  it('a down node that is connected and heartbeating again is marked ready', () => {
    const c = setup();
    c.nodeDown('w1');
    c.advance(10_000);
    const plan = planNodeHealth(c.store, facts(c, { seen: { w1: c.now - 100, w2: c.now - 100 }, up: ['w1', 'w2'] }));
    expect(plan.ready).toEqual([c.node('w1').id]);
    expect(statuses(plan.commands)).toEqual({ [c.node('w1').id]: { state: 'ready', message: '' } });
    // Heartbeating but its session is not (yet) connected: not ready.
    expect(planNodeHealth(c.store, facts(c, { seen: { w1: c.now - 100, w2: c.now - 100 }, up: ['w2'] })).ready).toEqual([]);
  });

  it('managers without an agent are left alone (their liveness is Raft reachability); one running an agent is monitored', () => {
    const c = setup();
    c.advance(60_000);
    const plan = planNodeHealth(c.store, facts(c, { seen: { w1: c.now, w2: c.now }, up: ['w1', 'w2'] }));
    expect(plan.commands).toEqual([]);
    c.addNode('m2', { role: 'manager', raftRole: 'voter', runtime: 'process' });
    c.advance(60_000);
    const again = planNodeHealth(c.store, facts(c, { seen: { w1: c.now, w2: c.now }, up: ['w1', 'w2'] }));
    expect(again.down).toEqual([c.node('m2').id]);
  });

  it('formats durations for people', () => {
    expect([formatDuration(500), formatDuration(1_600), formatDuration(65_000), formatDuration(600_000)]).toEqual(['500 ms', '1.6 s', '65.0 s', '10 min']);
  });
});
