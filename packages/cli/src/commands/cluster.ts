// `shoal cluster-info`: who leads, at which term and commit index, and how each manager fares.
// `shoal cluster update`: cluster-wide settings.

import { formatCertExpiry } from '../cert-expiry.js';
import { CliError, type ControlConnection } from '../client.js';
import { managerCountWarning, printJson, printTable, warn } from '../output.js';

export async function clusterInfo(conn: ControlConnection, o: { json: boolean; stale: boolean }): Promise<void> {
  let info = await conn.call('ClusterInfo', { read: { stale: o.stale } });
  // Reachability is best judged by the leader: ask it when someone else answered.
  if (info.leader && info.answeredBy !== info.leader && info.leaderAddr) {
    try {
      info = await conn.call('ClusterInfo', { read: { stale: o.stale } }, { preferAddr: info.leaderAddr });
    } catch {
      // keep the first answer
    }
  }
  const countWarning = managerCountWarning(info.voters);
  if (o.json) {
    printJson({
      clusterId: info.clusterId,
      leader: info.leader || null,
      term: Number(info.term),
      commitIndex: Number(info.commitIndex),
      appliedIndex: Number(info.appliedIndex),
      answeredBy: info.answeredBy,
      quorum: { voters: info.voters, needed: info.quorum, reachable: info.reachableVoters },
      managers: info.managers.map((m) => ({
        id: m.id,
        name: m.name,
        addr: m.addr,
        reachable: m.reachable,
        leader: m.leader,
        raftRole: m.raftRole,
      })),
      warnings: [...info.warnings, ...(countWarning ? [countWarning] : [])],
    });
    return;
  }
  process.stdout.write(
    `Cluster:      ${info.clusterId}\n` +
      `Leader:       ${info.leader || '(none)'}\n` +
      `Term:         ${info.term}\n` +
      `Commit index: ${info.commitIndex}\n` +
      `Quorum:       ${info.reachableVoters} of ${info.voters} managers reachable, ${info.quorum} needed\n\n`,
  );
  printTable(
    ['ID', 'NAME', 'ADDRESS', 'REACHABLE', 'LEADER', 'RAFT'],
    info.managers.map((m) => [m.id, m.name, m.addr, m.reachable ? 'yes' : 'no', m.leader ? '*' : '', m.raftRole]),
  );
  for (const w of info.warnings) warn(w);
  if (countWarning) warn(countWarning);
}

/** `shoal cluster update`: cluster-wide settings that may change on a running cluster. */
export async function clusterUpdate(conn: ControlConnection, o: { json: boolean; certExpirySeconds?: number | undefined }): Promise<void> {
  if (o.certExpirySeconds === undefined) throw new CliError('nothing to change: give --cert-expiry (e.g. 90d)', 'USAGE');
  const res = await conn.call('UpdateCluster', { certExpirySeconds: String(o.certExpirySeconds) }, { write: true });
  const seconds = Number(res.certExpirySeconds);
  if (o.json) {
    printJson({ version: Number(res.version), certExpirySeconds: seconds });
    return;
  }
  process.stdout.write(`Node certificates are now issued for ${formatCertExpiry(seconds)}; each node takes the new period at its next renewal.\n`);
}
