// `shoal ca rotate-admin`: replace the admin credential in the --certs directory. The leader
// certifies a new key as the admin and commits it as the only valid admin certificate, so the
// old one (here, and any copy of it elsewhere) is refused by every manager from then on.

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { loadCredentials, CliError } from '../client.js';
import { printJson } from '../output.js';

const FILES = { ca: 'ca.pem', cert: 'cert.pem', key: 'key.pem' } as const;

/** Writes `content` to `file` through a temporary file and a rename, readable by the owner only. */
function writePrivate(file: string, content: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Fails now, before the old credential is revoked, if the directory cannot take new files. */
function checkWritable(dir: string): void {
  const probe = join(dir, `.rotate-probe-${process.pid}`);
  try {
    writePrivate(probe, '');
    rmSync(probe, { force: true });
  } catch (e) {
    throw new CliError(`cannot write new credentials into ${dir} (${(e as Error).message}); fix its permissions first: the old credential stops working once the new one is issued`, 'FAILED_PRECONDITION');
  }
}

export async function caRotateAdmin(hosts: readonly string[], certsDir: string | undefined, o: { json: boolean }): Promise<void> {
  const creds = loadCredentials(certsDir);
  checkWritable(creds.dir);
  const { rotateAdminCredentials } = await import('@shoal/manager/certs');
  let next: { caPem: string; certPem: string; keyPem: string };
  try {
    next = await rotateAdminCredentials(hosts, creds);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new CliError(`the admin credential was not rotated: ${(e as Error).message}`, typeof code === 'string' ? code : 'ERROR');
  }
  try {
    // Key first: a certificate next to the old key would be useless, the reverse is what we had.
    writePrivate(join(creds.dir, FILES.key), next.keyPem);
    writePrivate(join(creds.dir, FILES.cert), next.certPem);
    writePrivate(join(creds.dir, FILES.ca), next.caPem);
  } catch (e) {
    // The old credential is revoked already: hand the new one over rather than lose it.
    process.stdout.write(`${next.keyPem}${next.certPem}${next.caPem}`);
    throw new CliError(
      `the new admin credential was issued (the old one is refused from now on) but could not be written to ${creds.dir}: ${(e as Error).message}. ` +
        `It is printed above: save the PRIVATE KEY as ${FILES.key}, the first CERTIFICATE as ${FILES.cert} and the last as ${FILES.ca}`,
      'INTERNAL',
    );
  }
  const cert = new X509Certificate(next.certPem);
  const serial = cert.serialNumber.toLowerCase();
  const validUntil = new Date(cert.validTo).toISOString();
  if (o.json) {
    printJson({ certs: creds.dir, serial, validUntil });
    return;
  }
  process.stdout.write(
    `New admin credentials written to ${creds.dir} (certificate ${serial}, valid until ${validUntil}).\n` +
      'Every manager refuses the previous admin certificate from now on: give this directory to whoever else needs admin access.\n',
  );
}
