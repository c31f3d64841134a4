// `shoal node demote`: the manager leaves the Raft group and becomes a worker in one committed
// entry, so a leader failing right after the membership change cannot leave a node listed as a
// manager that is no longer in Raft.

import { X509Certificate } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createClusterCA, issueCredentials, serverCredentials } from '@shoal/identity';
import { ConfChangeType, type ConfChange, type ConfState, type NodeId } from '@shoal/raft';
import { ClusterStore, DEFAULT_CLUSTER_SETTINGS, encodeCommand, newId, type Command, type NodeObject } from '@shoal/store';
import type { NodeRef, WireNode } from '@shoal/wire';
import type { ManagerContext } from '../src/context.js';
import { controlHandlers } from '../src/control-api.js';
import { ManagerError } from '../src/errors.js';
import { storeStateMachine } from '../src/manager.js';
import type { RaftHost } from '../src/raft-host.js';

const AT = '2030-01-01T00:00:00.000Z';

/** A leader's view of a 3-manager cluster whose host applies each proposal at once, until it "fails". */
async function cluster(): Promise<{
  ctx: ManagerContext;
  store: ClusterStore;
  ids: Record<string, NodeId>;
  proposals: string[];
  failWritesAfter: (n: number) => void;
  auth: object;
}> {
  const ids: Record<string, NodeId> = { m1: newId(), m2: newId(), m3: newId() };
  const clusterId = newId();
  const ca = await createClusterCA(clusterId);
  const serving = await issueCredentials(ca, { nodeId: 'm1', role: 'manager', clusterId });
  serverCredentials({ caPem: ca.certPem, certPem: serving.certPem, keyPem: serving.keyPem }); // trusts the CA for calls
  const admin = await issueCredentials(ca, { nodeId: 'admin', role: 'admin', clusterId });
  const adminCert = new X509Certificate(admin.certPem);
  const manager = (name: string): NodeObject => ({
    id: ids[name]!,
    name,
    hostname: name,
    role: 'manager',
    availability: 'active',
    status: { state: 'ready', message: '' },
    addr: `${name}.example:4242`,
    labels: {},
    resources: { nanoCpus: 0, memoryBytes: 0 },
    version: 1,
    createdAt: AT,
    updatedAt: AT,
  });
  const store = ClusterStore.restore(
    ClusterStore.initial(
      {
        id: clusterId,
        name: 'default',
        version: 1,
        createdAt: AT,
        tokens: { worker: 'w'.repeat(25), manager: 'm'.repeat(25) },
        ca,
        settings: DEFAULT_CLUSTER_SETTINGS,
      },
      { ...manager('m1'), raftRole: 'voter' },
    ),
  );
  const sm = storeStateMachine(store);
  let index = store.appliedIndex;
  let conf: ConfState = { voters: [ids.m1!], learners: [] };
  const applyConfChange = (cc: ConfChange): void => {
    const others = conf.voters.filter((v) => v !== cc.nodeId);
    conf = { voters: cc.type === ConfChangeType.AddVoter ? [...others, cc.nodeId] : others, learners: [] };
    sm.applyConfChange(cc, ++index);
  };
  for (const id of ['m2', 'm3']) {
    const { version: _v, createdAt: _c, updatedAt: _u, ...node } = manager(id);
    sm.applyEntry(encodeCommand({ type: 'node.add', at: AT, node } satisfies Command), ++index);
    applyConfChange({ type: ConfChangeType.AddVoter, nodeId: ids[id]!, context: JSON.stringify({ at: AT }) });
  }

  const proposals: string[] = [];
  let writesLeft = Infinity;
  const fail = (): Promise<never> => Promise.reject(new ManagerError('NOT_LEADER', 'the leader failed (the test says so)'));
  const host = {
    isLeader: true,
    leaderId: ids.m1,
    isCurrentLeader: () => true,
    readBarrier: () => Promise.resolve(),
    confState: () => conf,
    proposeConfChange: (cc: ConfChange) => {
      if (writesLeft-- <= 0) return fail();
      proposals.push(`conf change ${cc.type === ConfChangeType.RemoveNode ? 'RemoveNode' : cc.type} ${cc.nodeId}`);
      applyConfChange(cc);
      return Promise.resolve(undefined);
    },
    propose: (data: Uint8Array) => {
      if (writesLeft-- <= 0) return fail();
      proposals.push('command');
      return Promise.resolve(sm.applyEntry(data, ++index));
    },
  };
  const ctx: ManagerContext = {
    nodeId: ids.m1!,
    clusterId,
    store,
    host: host as unknown as RaftHost,
    logger: pino({ level: 'silent' }),
    reachable: () => true,
    addressOf: (id: NodeId) => store.getNode(id)?.addr,
  };
  const auth = { sslPeerCertificate: { raw: adminCert.raw, valid_to: adminCert.validTo } };
  return { ctx, store, ids, proposals, failWritesAfter: (n) => (writesLeft = n), auth };
}

function call(h: grpc.UntypedHandleCall | undefined, req: NodeRef, auth: object): Promise<WireNode> {
  const handler = h as grpc.handleUnaryCall<NodeRef, WireNode>;
  const fakeCall = { request: req, getAuthContext: () => auth } as unknown as grpc.ServerUnaryCall<NodeRef, WireNode>;
  return new Promise((resolve, reject) => handler(fakeCall, (err, res) => (err ? reject(err) : resolve(res!))));
}

describe('node demote', () => {
  it('is one proposal: leaving Raft and becoming a worker commit together', async () => {
    const c = await cluster();
    const node = await call(controlHandlers(c.ctx).DemoteNode, { node: 'm3' }, c.auth);
    expect(c.proposals).toEqual([`conf change RemoveNode ${c.ids.m3}`]);
    expect(node.role).toBe('worker');
    const m3 = c.store.getNode(c.ids.m3!)!;
    expect(m3.role).toBe('worker');
    expect(m3.raftRole).toBeUndefined();
    expect(m3.status).toEqual({ state: 'down', message: 'demoted: its manager left the Raft group' });
  });

  it('a leader failing right after the membership change leaves no manager outside Raft', async () => {
    const c = await cluster();
    c.failWritesAfter(1); // the membership change commits; nothing after it does
    await call(controlHandlers(c.ctx).DemoteNode, { node: 'm2' }, c.auth).catch(() => undefined);
    const managersOutsideRaft = c.store.nodes().filter((n) => n.role === 'manager' && n.raftRole === undefined);
    expect(managersOutsideRaft.map((n) => n.id)).toEqual([]);
    expect(c.store.getNode(c.ids.m2!)!.role).toBe('worker');
  });
});
