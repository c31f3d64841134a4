// A manager's Raft figures from its Prometheus endpoint (/metrics, prom-client text format):
// term, leadership, applied index, and the log's size behind the snapshot.

export interface RaftMetrics {
  readonly term: number;
  readonly isLeader: boolean;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  /** Entries the Raft log holds on disk (shoal_raft_log_entries). */
  readonly logEntries: number;
  readonly snapshotIndex: number;
  readonly snapshots: number;
}

/** Scrapes http://<addr>/metrics; undefined when the manager does not answer in time. */
export async function scrapeRaftMetrics(addr: string, timeoutMs = 1500): Promise<RaftMetrics | undefined> {
  let text: string;
  try {
    const res = await fetch(`http://${addr}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    text = await res.text();
  } catch {
    return undefined;
  }
  const values = parsePrometheusText(text);
  const v = (name: string): number => values.get(name) ?? NaN;
  return {
    term: v('shoal_raft_term'),
    isLeader: v('shoal_raft_is_leader') === 1,
    commitIndex: v('shoal_raft_commit_index'),
    appliedIndex: v('shoal_raft_applied_index'),
    logEntries: v('shoal_raft_log_entries'),
    snapshotIndex: v('shoal_raft_snapshot_index'),
    snapshots: v('shoal_raft_snapshots_total'),
  };
}

/** Metric name → value, for samples without labels other than the registry's default `node`. */
export function parsePrometheusText(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = m[2] ?? '';
    if (labels.replace(/node="[^"]*",?/, '').replace(/[{},]/g, '') !== '') continue;
    out.set(m[1]!, Number(m[3]));
  }
  return out;
}
