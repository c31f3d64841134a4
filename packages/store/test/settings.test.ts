// Cluster settings: the task history limit (ended tasks kept per slot), its bounds, and
// clusters stored before the setting existed.

import { describe, expect, it } from 'vitest';
import { ClusterStore, DEFAULT_CLUSTER_SETTINGS, StoreError, TASK_HISTORY_LIMIT_RANGE, encodeCommand } from '@shoal/store';
import { at, bytes, clusterObject, expectOk, firstManager, newStore, text } from './fixtures.js';

function initialError(taskHistoryLimit: unknown): StoreError {
  try {
    ClusterStore.initial(clusterObject({ settings: { ...DEFAULT_CLUSTER_SETTINGS, taskHistoryLimit: taskHistoryLimit as number } }), firstManager());
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    return e as StoreError;
  }
  throw new Error(`a task history limit of ${String(taskHistoryLimit)} was accepted`);
}

describe('the task history limit setting', () => {
  it('is 5 by default, like Swarm', () => {
    expect(DEFAULT_CLUSTER_SETTINGS.taskHistoryLimit).toBe(5);
    expect(newStore().cluster().settings.taskHistoryLimit).toBe(5);
    expect(TASK_HISTORY_LIMIT_RANGE).toEqual({ min: 0, max: 100 });
  });

  it('takes any whole number from 0 to 100 when a cluster is made', () => {
    for (const n of [0, 1, 100]) {
      const s = ClusterStore.restore(ClusterStore.initial(clusterObject({ settings: { ...DEFAULT_CLUSTER_SETTINGS, taskHistoryLimit: n } }), firstManager()));
      expect(s.cluster().settings.taskHistoryLimit).toBe(n);
    }
  });

  it('refuses anything else, saying what is allowed', () => {
    expect(initialError(101).message).toBe('initial cluster state: cluster.settings.taskHistoryLimit must be between 0 and 100 (got 101)');
    expect(initialError(-1).message).toBe('initial cluster state: cluster.settings.taskHistoryLimit must be between 0 and 100 (got -1)');
    expect(initialError(2.5).message).toBe('initial cluster state: cluster.settings.taskHistoryLimit must be an integer (got 2.5)');
    expect(initialError('5').message).toBe('initial cluster state: cluster.settings.taskHistoryLimit must be an integer (got "5")');
  });

  it('can be changed with a settings update, within the same bounds', () => {
    const s = newStore();
    expectOk(s.apply({ type: 'cluster.updateSettings', at: at(1), patch: { taskHistoryLimit: 12 } }, 2));
    expect(s.cluster().settings).toEqual({ ...DEFAULT_CLUSTER_SETTINGS, taskHistoryLimit: 12 });
    expect(() => encodeCommand({ type: 'cluster.updateSettings', at: at(1), patch: { taskHistoryLimit: 1000 } })).toThrow(
      'invalid cluster.updateSettings command: patch.taskHistoryLimit must be between 0 and 100 (got 1000)',
    );
  });

  it('is 5 in a cluster stored before the setting existed', () => {
    const snapshot = JSON.parse(text(newStore().snapshot())) as { cluster: { settings: Record<string, unknown> } };
    delete snapshot.cluster.settings['taskHistoryLimit'];
    const restored = ClusterStore.restore(bytes(JSON.stringify(snapshot)));
    expect(restored.cluster().settings.taskHistoryLimit).toBe(5);
    // And the next snapshot has it: every manager writes the same bytes again.
    expect(JSON.parse(text(restored.snapshot())).cluster.settings.taskHistoryLimit).toBe(5);
  });
});
