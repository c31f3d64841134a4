// Whether a cluster has settled after a chaos run, from one round of answers: what each live
// manager says (ClusterInfo, stale: its own state) and the services and tasks (linearizable).
// Pure, so the rules are testable without a cluster.

import type { ClusterInfoResponse__Output, WireService__Output, WireTask__Output } from '@shoal/wire';

export interface ManagerView {
  /** The address we asked. */
  readonly addr: string;
  readonly info: ClusterInfoResponse__Output;
}

export interface ConvergenceInput {
  /** The managers that answered ClusterInfo. */
  readonly live: readonly ManagerView[];
  /** The addresses that did not answer, with why. */
  readonly silent: readonly { readonly addr: string; readonly error: string }[];
  readonly expectManagers?: number;
  /** Undefined when they could not be read (no leader): a problem by itself. */
  readonly services?: readonly WireService__Output[];
  readonly tasks?: readonly WireTask__Output[];
}

/** What did not converge, one sentence each; empty when everything did. */
export function convergenceProblems(c: ConvergenceInput): string[] {
  const problems: string[] = [];
  if (c.expectManagers !== undefined && c.live.length < c.expectManagers) {
    problems.push(
      `managers: ${c.live.length} of the expected ${c.expectManagers} answer (silent: ${c.silent.map((s) => `${s.addr} (${s.error})`).join(', ') || 'none'})`,
    );
  }
  if (c.live.length === 0) return [...problems, 'managers: none answers'];

  const leaders = new Set(c.live.map((m) => m.info.leader));
  const leader = [...leaders][0]!;
  if (leaders.size !== 1) {
    problems.push(`leader: the managers disagree (${c.live.map((m) => `${m.info.answeredBy} sees ${m.info.leader || 'none'}`).join(', ')})`);
  } else if (!leader) {
    problems.push('leader: no live manager knows one');
  } else if (!c.live.some((m) => m.info.answeredBy === leader)) {
    problems.push(`leader: all name ${leader}, which does not answer`);
  }

  const applied = new Set(c.live.map((m) => m.info.appliedIndex));
  const digests = new Set(c.live.map((m) => m.info.storeDigest));
  const states = c.live.map((m) => `${m.info.answeredBy}@${m.info.appliedIndex}:${m.info.storeDigest.slice(0, 12) || '(no digest)'}`).join(', ');
  if (applied.size !== 1) problems.push(`applied index: the managers differ (${states})`);
  else if (digests.size !== 1) problems.push(`store digest: different stores at the same applied index ${[...applied][0]} (${states})`);
  else if (!c.live[0]!.info.storeDigest) problems.push('store digest: the managers do not report one (store_digest is empty: an older manager?)');

  if (!c.services || !c.tasks) return [...problems, 'services: could not be listed (no leader to read from)'];
  const running = c.tasks.filter((t) => t.desiredState === 'running' && t.state === 'running');
  const bySlot = new Map<string, number>();
  for (const t of running) {
    const slot = `${t.serviceName}.${t.slot}${t.slot === 0 ? `@${t.nodeId}` : ''}`;
    bySlot.set(slot, (bySlot.get(slot) ?? 0) + 1);
  }
  const doubled = [...bySlot].filter(([, n]) => n > 1).map(([slot, n]) => `${slot} ×${n}`);
  if (doubled.length > 0) problems.push(`tasks: slots with more than one running task: ${doubled.slice(0, 10).join(', ')}`);
  const byService = new Map<string, number>();
  for (const t of running) byService.set(t.serviceId, (byService.get(t.serviceId) ?? 0) + 1);
  const short = c.services.filter((s) => (byService.get(s.id) ?? 0) !== s.desired).map((s) => `${s.name} ${byService.get(s.id) ?? 0}/${s.desired}`);
  if (short.length > 0)
    problems.push(
      `services: not at their replica count (running/desired): ${short.slice(0, 10).join(', ')}${short.length > 10 ? ` and ${short.length - 10} more` : ''}`,
    );
  return problems;
}
