// What the store keeps of a CA rotation (`shoal ca rotate`): the new CA and the nodes already
// renewed under it, until the finish makes it the only CA. The rule deciding when to finish is
// the manager's (packages/manager/src/ca-rotation.ts).

import { describe, expect, it } from 'vitest';
import { ClusterStore, encodeCommand } from '@shoal/store';
import { at, expectOk, idOf, newStore } from './fixtures.js';

const NEW_CA = {
  certPem: '-----BEGIN CERTIFICATE-----\nNEW\n-----END CERTIFICATE-----\n',
  keyPem: '-----BEGIN PRIVATE KEY-----\nNEW\n-----END PRIVATE KEY-----\n',
};

describe('a CA rotation in the store', () => {
  it('starts with the new CA and the new admin serial, records renewals once, and finishes with the new CA', () => {
    const s = newStore();
    const oldCa = s.cluster().ca;
    expectOk(s.apply({ type: 'cluster.startCaRotation', at: at(1), ca: NEW_CA, serials: ['4b02'] }, 2));
    expect(s.cluster().caRotation).toEqual({ ca: NEW_CA, startedAt: at(1), renewed: [] });
    expect(s.cluster().adminCerts).toEqual(['4b02']);
    expect(s.cluster().ca).toEqual(oldCa);

    expectOk(s.apply({ type: 'cluster.caNodeRenewed', at: at(2), id: idOf('mgr1'), caCertPem: NEW_CA.certPem }, 3));
    expectOk(s.apply({ type: 'cluster.caNodeRenewed', at: at(3), id: idOf('mgr1'), caCertPem: NEW_CA.certPem }, 4));
    expect(s.cluster().caRotation?.renewed).toEqual([idOf('mgr1')]);
    // Survives a snapshot.
    expect(ClusterStore.restore(s.snapshot()).cluster().caRotation).toEqual(s.cluster().caRotation);

    expectOk(s.apply({ type: 'cluster.finishCaRotation', at: at(4), caCertPem: NEW_CA.certPem }, 5));
    expect(s.cluster().caRotation).toBeUndefined();
    expect(s.cluster().ca).toEqual(NEW_CA);
  });

  it('refuses a second rotation while one runs, and renewals or a finish for another CA', () => {
    const s = newStore();
    expectOk(s.apply({ type: 'cluster.startCaRotation', at: at(1), ca: NEW_CA, serials: ['4b02'] }, 2));
    const again = s.apply({ type: 'cluster.startCaRotation', at: at(2), ca: NEW_CA, serials: ['4c03'] }, 3);
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.message).toMatch(/a CA rotation is already in progress .*`shoal ca status`/);
    const other = '-----BEGIN CERTIFICATE-----\nOTHER\n-----END CERTIFICATE-----\n';
    expect(s.apply({ type: 'cluster.caNodeRenewed', at: at(3), id: idOf('mgr1'), caCertPem: other }, 4).ok).toBe(false);
    expect(s.apply({ type: 'cluster.finishCaRotation', at: at(3), caCertPem: other }, 5).ok).toBe(false);
    expectOk(s.apply({ type: 'cluster.finishCaRotation', at: at(4), caCertPem: NEW_CA.certPem }, 6));
    // Over: a late renewal record or a second finish changes nothing.
    expect(s.apply({ type: 'cluster.caNodeRenewed', at: at(5), id: idOf('mgr1'), caCertPem: NEW_CA.certPem }, 7).ok).toBe(false);
    expect(s.apply({ type: 'cluster.finishCaRotation', at: at(5), caCertPem: NEW_CA.certPem }, 8).ok).toBe(false);
    expect(s.cluster().ca).toEqual(NEW_CA);
  });

  it('a start asked for by an admin certificate replaced meanwhile is refused', () => {
    const s = newStore();
    expectOk(s.apply({ type: 'cluster.setAdminCerts', at: at(1), serials: ['4b02'] }, 2));
    const r = s.apply({ type: 'cluster.startCaRotation', at: at(2), ca: NEW_CA, serials: ['4c03'], replaces: '4a01' }, 3);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('UPDATE_OUT_OF_SEQUENCE');
    expect(s.cluster().caRotation).toBeUndefined();
  });

  it('checks the commands', () => {
    expect(() => encodeCommand({ type: 'cluster.startCaRotation', at: at(1), ca: { certPem: '', keyPem: 'k' }, serials: ['4b02'] })).toThrow(/ca\.certPem/);
    expect(() => encodeCommand({ type: 'cluster.startCaRotation', at: at(1), ca: NEW_CA, serials: [] })).toThrow(/serials is empty/);
    expect(() => encodeCommand({ type: 'cluster.caNodeRenewed', at: at(1), id: 'Not An Id', caCertPem: NEW_CA.certPem })).toThrow(/id must be an object id/);
  });
});
