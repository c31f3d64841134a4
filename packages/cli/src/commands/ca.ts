// `shoal ca rotate`, `ca status` (further down) and `ca rotate-admin`.
//
// `shoal ca rotate-admin`: replace the admin credential in the --certs directory. The leader
// certifies a new key as the admin and commits it as the only valid admin certificate, so the
// old one (here, and any copy of it elsewhere) is refused by every manager from then on.

import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate, createHash } from 'node:crypto';
import { writePrivateFile } from '@shoal/identity/private-file';
import { loadCredentials, CliError } from '../client.js';
import { printJson } from '../output.js';

const FILES = { ca: 'ca.pem', cert: 'cert.pem', key: 'key.pem' } as const;

/** A credential file: owner-only, whole, and on disk before the old credential is revoked. */
function writePrivate(file: string, content: string): void {
  writePrivateFile(file, content, { durable: true });
}

/** Fails now, before the old credential is revoked, if the directory cannot take new files. */
function checkWritable(dir: string): void {
  const probe = join(dir, `.rotate-probe-${process.pid}`);
  try {
    writePrivate(probe, '');
    rmSync(probe, { force: true });
  } catch (e) {
    throw new CliError(
      `cannot write new credentials into ${dir} (${(e as Error).message}); fix its permissions first: the old credential stops working once the new one is issued`,
      'FAILED_PRECONDITION',
    );
  }
}

/** Writes an issued admin credential into `dir`; if that fails, prints it rather than lose it. */
function writeCredentials(dir: string, next: { caPem: string; certPem: string; keyPem: string }, what: string): void {
  try {
    // Key first: a certificate next to the old key would be useless, the reverse is what we had.
    writePrivate(join(dir, FILES.key), next.keyPem);
    writePrivate(join(dir, FILES.cert), next.certPem);
    writePrivate(join(dir, FILES.ca), next.caPem);
  } catch (e) {
    // The old credential is revoked already: hand the new one over rather than lose it.
    process.stdout.write(`${next.keyPem}${next.certPem}${next.caPem}`);
    throw new CliError(
      `${what} but could not be written to ${dir}: ${(e as Error).message}. ` +
        `It is printed above: save the PRIVATE KEY as ${FILES.key}, the first CERTIFICATE as ${FILES.cert} and the others as ${FILES.ca}`,
      'INTERNAL',
    );
  }
}

export async function caRotateAdmin(hosts: readonly string[], certsDir: string | undefined, o: { json: boolean }): Promise<void> {
  const creds = loadCredentials(certsDir);
  checkWritable(creds.dir);
  const { rotateAdminCredentials } = await import('@shoal/identity/certs');
  let next: { caPem: string; certPem: string; keyPem: string };
  try {
    next = await rotateAdminCredentials(hosts, creds);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new CliError(`the admin credential was not rotated: ${(e as Error).message}`, typeof code === 'string' ? code : 'ERROR');
  }
  writeCredentials(creds.dir, next, 'the new admin credential was issued (the old one is refused from now on)');
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

// `shoal ca rotate`: replace the cluster CA (see the manager's ca-rotation.ts). The caller's
// admin credential is re-issued under the new CA first (the old one is refused from then on);
// then it waits, with a line per change, until every node holds a certificate of the new CA and
// the leader has made it the only CA, and rewrites ca.pem to hold the new CA only.

type CaStatus = Awaited<ReturnType<typeof import('@shoal/identity/certs').fetchCaStatus>>;

/** What to do about each node the rotation still waits for. */
export function describeWaiting(status: Pick<CaStatus, 'waiting'>): string[] {
  return status.waiting.map((n) =>
    n.state === 'down'
      ? `${n.name} (${n.role}, down): bring it back, or remove it with \`shoal node rm ${n.name}\``
      : `${n.name} (${n.role}, ${n.state}): renewing its certificate`,
  );
}

function digestOf(pem: string): string {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
}

export async function caRotate(hosts: readonly string[], certsDir: string | undefined, o: { json: boolean; detach: boolean }): Promise<void> {
  const creds = loadCredentials(certsDir);
  checkWritable(creds.dir);
  const { startCaRotation, fetchCaStatus } = await import('@shoal/identity/certs');
  let next: { caPem: string; certPem: string; keyPem: string };
  try {
    next = await startCaRotation(hosts, creds);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new CliError(`the CA rotation did not start: ${(e as Error).message}`, typeof code === 'string' ? code : 'ERROR');
  }
  writeCredentials(creds.dir, next, 'the CA rotation started and a new admin credential was issued (the old one is refused from now on)');
  const newCa = digestOf(firstCertificate(next.caPem)); // the bundle lists the new CA first
  const say = (line: string): void => {
    if (!o.json) process.stdout.write(`${line}\n`);
  };
  say(`CA rotation started: the new CA is ${newCa}. New admin credentials (trusting the old and the new CA) are in ${creds.dir}.`);
  if (o.detach) {
    if (o.json) printJson({ certs: creds.dir, newCaDigest: newCa, finished: false });
    else say('Follow it with `shoal ca status`; run `shoal ca rotate` again only after it finished.');
    return;
  }
  let last = '';
  for (;;) {
    let status: CaStatus;
    try {
      status = await fetchCaStatus(hosts, next);
    } catch (e) {
      say(`(no answer on the rotation's progress: ${(e as Error).message}; asking again)`);
      await sleep(2000);
      continue;
    }
    if (!status.rotating && status.caDigest === newCa) {
      // Trust the new CA only, now that no node has an old one.
      narrowTrust(creds.dir, newCa);
      if (o.json) printJson({ certs: creds.dir, newCaDigest: newCa, finished: true });
      else
        say(
          `CA rotation finished: every node holds a certificate of the new CA, the only one trusted now. Join tokens changed: get them again with \`shoal join-token worker|manager\`.`,
        );
      return;
    }
    if (!status.rotating || status.newCaDigest !== newCa) {
      throw new CliError(
        `the cluster CA is now ${status.newCaDigest || status.caDigest}, not the ${newCa} this rotation made: another \`shoal ca rotate\` replaced it; see \`shoal ca status\``,
        'FAILED_PRECONDITION',
      );
    }
    const line = `${status.renewed} node(s) renewed; waiting for ${status.waiting.length}: ${describeWaiting(status).join('; ')}`;
    if (line !== last) say(line);
    last = line;
    await sleep(1000);
  }
}

export async function caStatus(hosts: readonly string[], certsDir: string | undefined, o: { json: boolean }): Promise<void> {
  const creds = loadCredentials(certsDir);
  const { fetchCaStatus } = await import('@shoal/identity/certs');
  let status: CaStatus;
  try {
    status = await fetchCaStatus(hosts, creds);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new CliError(`cannot read the CA status: ${(e as Error).message}`, typeof code === 'string' ? code : 'ERROR');
  }
  // After a `ca rotate --detach`: once it is over, stop trusting the retired CA here too.
  const narrowed = !status.rotating && narrowTrust(creds.dir, status.caDigest);
  if (o.json) {
    const { caCertificate: _, ...rest } = status;
    printJson(rest);
    return;
  }
  const lines = [`CA:        ${status.caDigest}`];
  if (!status.rotating) {
    lines.push('Rotation:  none');
    if (narrowed) lines.push(`(${join(creds.dir, FILES.ca)} now trusts the current CA only: the rotation it was left over from is over)`);
  } else {
    lines.push(`Rotation:  to ${status.newCaDigest}, started ${status.startedAt}; ${status.renewed} node(s) renewed, ${status.waiting.length} to go`);
    for (const w of describeWaiting(status)) lines.push(`  waiting for ${w}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * Keeps only the CA with `digest` in the --certs ca.pem, if it holds that one and others (the
 * bundle a CA rotation left). It only ever drops CAs it has, never takes one from the network.
 * Returns whether it rewrote the file.
 */
function narrowTrust(dir: string, digest: string): boolean {
  const file = join(dir, FILES.ca);
  const blocks = readFileSync(file, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  const keep = blocks.find((b) => digestOf(b) === digest);
  if (!keep || blocks.length === 1) return false;
  writePrivate(file, `${keep}\n`);
  return true;
}

function firstCertificate(pem: string): string {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new CliError('the manager sent no CA certificate', 'INTERNAL');
  return m[0];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
