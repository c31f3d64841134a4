// CA rotation's pure parts (ca-rotation.ts): which nodes a rotation still waits for (the rule
// that ends it), what nodes trust and which CA signs meanwhile, and that a trust bundle of two
// CAs is accepted where one CA was: client certificates of either, issued certificates of either.

import { describe, expect, it } from 'vitest';
import { AuthError, checkIssued, createClusterCA, issueCredentials, readCertificates, verifyPeerCertificate } from '@shoal/identity';
import { rotationWaitingFor, signingCa, trustBundle } from '../src/ca-rotation.js';
import { TestCluster, idOf } from './test-cluster.js';

const NEW_CA = {
  certPem: '-----BEGIN CERTIFICATE-----\nNEW\n-----END CERTIFICATE-----\n',
  keyPem: '-----BEGIN PRIVATE KEY-----\nNEW\n-----END PRIVATE KEY-----\n',
};

describe('a CA rotation waits for', () => {
  it('every node in the store that the new CA has not certified yet, down ones included; removed ones no longer', () => {
    const c = new TestCluster();
    c.addNode('w1');
    c.addNode('w2');
    const manager = c.store.nodes().find((n) => n.role === 'manager')!;
    expect(rotationWaitingFor(c.store.cluster(), c.store.nodes())).toEqual([]); // no rotation

    c.apply({ type: 'cluster.startCaRotation', at: new Date().toISOString(), ca: NEW_CA, serials: ['4b02'] });
    const waiting = () =>
      rotationWaitingFor(c.store.cluster(), c.store.nodes())
        .map((n) => n.name)
        .sort();
    expect(waiting()).toEqual([manager.name, 'w1', 'w2'].sort());

    c.apply({ type: 'cluster.caNodeRenewed', at: new Date().toISOString(), id: manager.id, caCertPem: NEW_CA.certPem });
    c.apply({ type: 'cluster.caNodeRenewed', at: new Date().toISOString(), id: idOf('w1'), caCertPem: NEW_CA.certPem });
    c.nodeDown('w2');
    expect(waiting()).toEqual(['w2']); // down: still waited for (it could not come back afterwards)

    c.apply({ type: 'node.remove', at: new Date().toISOString(), id: idOf('w2') });
    expect(waiting()).toEqual([]);
  });

  it('trusts new then old CA and signs with the new one while it runs; the CA alone otherwise', () => {
    const c = new TestCluster();
    const oldCa = c.store.cluster().ca;
    expect(trustBundle(c.store.cluster())).toBe(oldCa.certPem.trimEnd() + '\n');
    expect(signingCa(c.store.cluster())).toEqual(oldCa);
    c.apply({ type: 'cluster.startCaRotation', at: new Date().toISOString(), ca: NEW_CA, serials: ['4b02'] });
    expect(trustBundle(c.store.cluster())).toBe(NEW_CA.certPem + oldCa.certPem.trimEnd() + '\n');
    expect(signingCa(c.store.cluster())).toEqual(NEW_CA);
  });
});

describe('a trust bundle of the new and the old CA', () => {
  it('accepts client certificates and issued certificates of either CA, and no other', async () => {
    const [oldCa, newCa, otherCa] = await Promise.all([createClusterCA('c1'), createClusterCA('c1'), createClusterCA('c1')]);
    const bundle = newCa.certPem + oldCa.certPem;
    expect(readCertificates(bundle)).toHaveLength(2);
    const id = { nodeId: 'w1', role: 'worker' as const, clusterId: 'c1' };
    const [byOld, byNew, byOther] = await Promise.all([issueCredentials(oldCa, id), issueCredentials(newCa, id), issueCredentials(otherCa, id)]);

    expect(verifyPeerCertificate(byOld.certPem, bundle)).toEqual(id);
    expect(verifyPeerCertificate(byNew.certPem, bundle)).toEqual(id);
    expect(() => verifyPeerCertificate(byOther.certPem, bundle)).toThrow(AuthError);
    // Once it is over, the old CA's certificates are refused.
    expect(() => verifyPeerCertificate(byOld.certPem, newCa.certPem)).toThrow(/was not issued by this cluster's CA/);

    expect(() => checkIssued({ ...byNew, caPem: bundle }, id)).not.toThrow();
    expect(() => checkIssued({ ...byOld, caPem: bundle }, id)).not.toThrow();
    expect(() => checkIssued({ ...byOther, caPem: bundle }, id)).toThrow(/not signed by the CA sent with it/);
    expect(() => readCertificates('no PEM here')).toThrow(/no PEM certificate/);
  });
});
