// What the store keeps for certificates: the period node certificates are issued for
// (certExpirySeconds, with its bounds and its default for clusters stored before it existed)
// and the serials of the admin certificates still valid (set by `ca rotate-admin`).

import { describe, expect, it } from 'vitest';
import { CERT_EXPIRY_RANGE, ClusterStore, DEFAULT_CLUSTER_SETTINGS, encodeCommand } from '@shoal/store';
import { at, bytes, expectOk, newStore, text } from './fixtures.js';

describe('the certificate expiry setting', () => {
  it('is 90 days by default and can be changed within 30 s .. 5 years', () => {
    expect(DEFAULT_CLUSTER_SETTINGS.certExpirySeconds).toBe(90 * 86_400);
    const s = newStore();
    expectOk(s.apply({ type: 'cluster.updateSettings', at: at(1), patch: { certExpirySeconds: 30 } }, 2));
    expect(s.cluster().settings.certExpirySeconds).toBe(30);
    for (const bad of [CERT_EXPIRY_RANGE.min - 1, CERT_EXPIRY_RANGE.max + 1, 60.5]) {
      expect(() => encodeCommand({ type: 'cluster.updateSettings', at: at(2), patch: { certExpirySeconds: bad } })).toThrow(/patch\.certExpirySeconds must be/);
    }
  });

  it('a cluster stored before the setting existed gets the default', () => {
    const snapshot = JSON.parse(text(newStore().snapshot())) as { cluster: { settings: Record<string, unknown> } };
    delete snapshot.cluster.settings['certExpirySeconds'];
    expect(ClusterStore.restore(bytes(JSON.stringify(snapshot))).cluster().settings.certExpirySeconds).toBe(90 * 86_400);
  });
});

describe('the valid admin certificates', () => {
  it('are absent in an older cluster, and replaced as a whole by setAdminCerts', () => {
    const s = newStore();
    expect(s.cluster().adminCerts).toBeUndefined();
    expectOk(s.apply({ type: 'cluster.setAdminCerts', at: at(1), serials: ['4a01'] }, 2));
    expect(s.cluster().adminCerts).toEqual(['4a01']);
    expectOk(s.apply({ type: 'cluster.setAdminCerts', at: at(2), serials: ['4b02'], replaces: '4a01' }, 3));
    expect(s.cluster().adminCerts).toEqual(['4b02']);
    // Survives a snapshot.
    expect(ClusterStore.restore(s.snapshot()).cluster().adminCerts).toEqual(['4b02']);
  });

  it('a rotation asked for by an admin certificate replaced meanwhile is refused', () => {
    const s = newStore();
    expectOk(s.apply({ type: 'cluster.setAdminCerts', at: at(1), serials: ['4b02'] }, 2));
    const r = s.apply({ type: 'cluster.setAdminCerts', at: at(2), serials: ['4c03'], replaces: '4a01' }, 3);
    expect(r.ok).toBe(false);
    expect(r.ok || r.error.message).toMatch(/replaced meanwhile .*another `shoal ca rotate-admin` ran first/);
    expect(s.cluster().adminCerts).toEqual(['4b02']);
  });

  it('must name at least one serial, in lowercase hex', () => {
    expect(() => encodeCommand({ type: 'cluster.setAdminCerts', at: at(1), serials: [] })).toThrow(
      /serials is empty; it must name at least one admin certificate serial/,
    );
    expect(() => encodeCommand({ type: 'cluster.setAdminCerts', at: at(1), serials: ['4A01'] })).toThrow(
      /serials\[0\] must be a certificate serial number in lowercase hexadecimal/,
    );
  });
});
