// Mutual TLS over real gRPC servers and sockets on 127.0.0.x: who gets authenticated, who does
// not (tls.ts), and how a joining node learns and pins the CA (ca-pinning.ts).

import * as grpc from '@grpc/grpc-js';
import { X509Certificate, randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthError,
  CaPinError,
  caDigest,
  channelCredentials,
  createClusterCA,
  fetchCaCertificate,
  issueCredentials,
  peerIdentity,
  requireRole,
  serverCredentials,
  verifyCaDigest,
  verifyPeerCertificate,
  TLS_CHANNEL_OPTIONS,
  type CertIdentity,
  type ClusterCA,
  type IssuedCredentials,
} from '../src/index.js';
import { selfSignedLeaf, signedLeaf } from './tls-fixtures.js';

// A two-method service with JSON messages: enough to exercise the credentials.
type Json = Record<string, unknown>;
const toJson = (v: Json): Buffer => Buffer.from(JSON.stringify(v));
const fromJson = (b: Buffer): Json => JSON.parse(b.toString()) as Json;
const method = (name: string): grpc.MethodDefinition<Json, Json> => ({
  path: `/shoal.test.Probe/${name}`,
  requestStream: false,
  responseStream: false,
  requestSerialize: toJson,
  requestDeserialize: fromJson,
  responseSerialize: toJson,
  responseDeserialize: fromJson,
});
const PROBE = { whoAmI: method('WhoAmI'), adminOnly: method('AdminOnly') } satisfies grpc.ServiceDefinition;

/** Every identity a handler accepted, in order. */
let accepted: CertIdentity[] = [];

function fail(callback: grpc.sendUnaryData<Json>, e: unknown): void {
  callback(e instanceof AuthError ? e.toServiceError() : { code: grpc.status.INTERNAL, details: String(e) });
}

const handlers: grpc.UntypedServiceImplementation = {
  whoAmI: (call: grpc.ServerUnaryCall<Json, Json>, callback: grpc.sendUnaryData<Json>) => {
    try {
      const identity = peerIdentity(call);
      if (identity) accepted.push(identity);
      callback(null, { identity: identity ?? null });
    } catch (e) {
      fail(callback, e);
    }
  },
  adminOnly: (call: grpc.ServerUnaryCall<Json, Json>, callback: grpc.sendUnaryData<Json>) => {
    try {
      const identity = requireRole(call, ['admin']);
      accepted.push(identity);
      callback(null, { ok: true });
    } catch (e) {
      fail(callback, e);
    }
  },
};

const servers: grpc.Server[] = [];
const clients: grpc.Client[] = [];
const netServers: net.Server[] = [];
const sockets: net.Socket[] = [];

async function startServer(material: IssuedCredentials, host = '127.0.0.1'): Promise<string> {
  const server = new grpc.Server();
  server.addService(PROBE, handlers);
  servers.push(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:0`, serverCredentials(material), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return `${host}:${port}`;
}

function client(addr: string, creds: grpc.ChannelCredentials, options: grpc.ChannelOptions = TLS_CHANNEL_OPTIONS): grpc.Client {
  const c = new grpc.Client(addr, creds, options);
  clients.push(c);
  return c;
}

function call(c: grpc.Client, name: keyof typeof PROBE, timeoutMs = 5000): Promise<Json> {
  const m = PROBE[name];
  return new Promise((resolve, reject) =>
    c.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, {}, { deadline: Date.now() + timeoutMs }, (err, v) =>
      err ? reject(err) : resolve(v ?? {}),
    ),
  );
}

async function callError(p: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await p;
  } catch (e) {
    return e as grpc.ServiceError;
  }
  throw new Error('expected the call to fail');
}

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/** A plain TCP server for the tests that need a port which is not a shoal manager. */
async function tcpServer(onConnection: (s: net.Socket) => void): Promise<string> {
  const s = net.createServer((sock) => {
    sockets.push(sock);
    onConnection(sock);
  });
  netServers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(s.address() as net.AddressInfo).port}`;
}

let ca: ClusterCA;
let otherCa: ClusterCA;
let manager: IssuedCredentials;
let admin: IssuedCredentials;
let worker: IssuedCredentials;
let addr: string;

beforeAll(async () => {
  ca = await createClusterCA('cluster1');
  otherCa = await createClusterCA('cluster2');
  manager = await issueCredentials(ca, { nodeId: 'm1', role: 'manager', clusterId: 'cluster1' });
  admin = await issueCredentials(ca, { nodeId: 'admin', role: 'admin', clusterId: 'cluster1' });
  worker = await issueCredentials(ca, { nodeId: 'w1', role: 'worker', clusterId: 'cluster1' });
  addr = await startServer(manager);
});

beforeEach(() => {
  accepted = [];
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of netServers.splice(0)) s.close();
});

afterAll(() => {
  for (const s of servers.splice(0)) s.forceShutdown();
});

describe('peerIdentity over gRPC', () => {
  it('(a) knows an admin by its certificate', async () => {
    const c = client(addr, channelCredentials(admin, 'manager'));
    expect(await call(c, 'whoAmI')).toEqual({ identity: { nodeId: 'admin', role: 'admin', clusterId: 'cluster1' } });
    expect(await call(c, 'adminOnly')).toEqual({ ok: true });
    expect(accepted).toEqual([
      { nodeId: 'admin', role: 'admin', clusterId: 'cluster1' },
      { nodeId: 'admin', role: 'admin', clusterId: 'cluster1' },
    ]);
  });

  it('(b) serves a caller without a certificate as anonymous, and refuses it what needs a role', async () => {
    const c = client(addr, channelCredentials({ caPem: ca.certPem }, 'manager'));
    expect(await call(c, 'whoAmI')).toEqual({ identity: null });
    const err = await callError(call(c, 'adminOnly'));
    expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(err.details).toMatch(/needs a admin certificate from the cluster CA; none was presented/);
    expect(err.metadata.get('shoal-error-code')).toEqual(['UNAUTHENTICATED']);
    expect(accepted).toEqual([]);
  });

  it('refuses a worker what is for admins, with PERMISSION_DENIED', async () => {
    const c = client(addr, channelCredentials(worker, 'manager'));
    const err = await callError(call(c, 'adminOnly'));
    expect(err.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(err.details).toBe('worker "w1" may not make this call: it is for admin certificates only');
  });

  // (c), (d) and a forged CA: the caller trusts our CA, so its side of the handshake succeeds;
  // only the server's checks stand between it and the admin-only call.
  async function expectNeverAuthenticated(creds: { certPem: string; keyPem: string }): Promise<void> {
    const c = client(addr, channelCredentials({ caPem: ca.certPem, certPem: creds.certPem, keyPem: creds.keyPem }, 'manager'));
    const who = await call(c, 'whoAmI').catch((e: grpc.ServiceError) => e);
    if (who instanceof Error) expect([grpc.status.UNAUTHENTICATED, grpc.status.UNAVAILABLE]).toContain((who as grpc.ServiceError).code);
    else expect(who).toEqual({ identity: null });
    const err = await callError(call(c, 'adminOnly'));
    expect([grpc.status.UNAUTHENTICATED, grpc.status.UNAVAILABLE]).toContain(err.code);
    expect(accepted).toEqual([]);
  }

  it("(c) does not authenticate an admin certificate from another cluster's CA", async () => {
    await expectNeverAuthenticated(await issueCredentials(otherCa, { nodeId: 'admin', role: 'admin', clusterId: 'cluster2' }));
  });

  it('(d) does not authenticate a self-signed certificate claiming CN=admin', async () => {
    await expectNeverAuthenticated(await selfSignedLeaf('CN=admin, OU=admin, O=cluster1'));
  });

  it('does not authenticate a certificate from a forged CA with the same name as ours', async () => {
    const fakeCa = await selfSignedLeaf('CN=shoal-ca, O=cluster1');
    await expectNeverAuthenticated(await signedLeaf(fakeCa, 'CN=admin, OU=admin, O=cluster1'));
  });

  it('keeps serving after garbage: raw bytes before TLS, and inside a TLS session', async () => {
    let closedByServer = true;
    const port = Number(addr.split(':')[1]);
    const junk = Array.from({ length: 5 }, async () => {
      const s = net.connect(port, '127.0.0.1');
      sockets.push(s);
      s.on('error', () => {});
      s.resume(); // read, or 'close' never comes
      await new Promise<void>((resolve) => s.once('connect', resolve));
      s.write(randomBytes(4096));
      s.write(randomBytes(64 * 1024));
      await new Promise<void>((resolve) => {
        s.once('close', () => resolve());
        setTimeout(() => {
          closedByServer = false;
          s.destroy();
          resolve();
        }, 2000);
      });
    });
    const inTls = (async () => {
      const s = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, ALPNProtocols: ['h2'] });
      sockets.push(s);
      s.on('error', () => {});
      s.resume();
      await new Promise<void>((resolve) => s.once('secureConnect', resolve));
      s.write(randomBytes(16 * 1024));
      await new Promise<void>((resolve) => {
        s.once('close', () => resolve());
        setTimeout(() => {
          closedByServer = false;
          s.destroy();
          resolve();
        }, 2000);
      });
    })();
    await Promise.all([...junk, inTls]);
    expect(closedByServer).toBe(true);

    const c = client(addr, channelCredentials(admin, 'manager'));
    expect(await call(c, 'whoAmI')).toEqual({ identity: { nodeId: 'admin', role: 'admin', clusterId: 'cluster1' } });
  });
});

describe('verifyPeerCertificate', () => {
  const der = (pem: string): Buffer => new X509Certificate(pem).raw;

  it('returns the identity of a certificate our CA issued', () => {
    expect(verifyPeerCertificate(der(admin.certPem), ca.certPem)).toEqual({ nodeId: 'admin', role: 'admin', clusterId: 'cluster1' });
  });

  it('refuses what TLS alone would not have stopped here', async () => {
    const refusal = (pem: string, now?: Date): AuthError => {
      const e = thrown(() => verifyPeerCertificate(der(pem), ca.certPem, now));
      expect(e).toBeInstanceOf(AuthError);
      expect((e as AuthError).code).toBe('UNAUTHENTICATED');
      expect((e as AuthError).status).toBe(grpc.status.UNAUTHENTICATED);
      return e as AuthError;
    };
    const forged = await selfSignedLeaf('CN=admin, OU=admin, O=cluster1');
    expect(refusal(forged.certPem).message).toBe("the client certificate (CN=admin, OU=admin, O=cluster1) was not issued by this cluster's CA");
    const fakeCa = await selfSignedLeaf('CN=shoal-ca, O=cluster1');
    expect(refusal((await signedLeaf(fakeCa, 'CN=admin, OU=admin, O=cluster1')).certPem).message).toMatch(/was not issued by this cluster's CA/);
    const foreign = await issueCredentials(otherCa, { nodeId: 'admin', role: 'admin', clusterId: 'cluster2' });
    expect(refusal(foreign.certPem).message).toMatch(/was not issued by this cluster's CA/);

    expect(refusal(admin.certPem, new Date(Date.now() + 100 * 86_400_000)).message).toMatch(
      /^the client certificate \(CN=admin, OU=admin, O=cluster1\) expired on .*: renew it$/,
    );
    expect(refusal(admin.certPem, new Date(Date.now() - 86_400_000)).message).toMatch(/is not valid until .*: check this machine's clock$/);
    expect(refusal(ca.certPem).message).toBe('the client certificate (CN=shoal-ca, O=cluster1) is a CA certificate, not a node identity');
    const crossCluster = await signedLeaf(ca, 'CN=x, OU=admin, O=cluster2');
    expect(refusal(crossCluster.certPem).message).toBe('the client certificate names cluster "cluster2" but was issued by the CA of cluster "cluster1"');
    const noRole = await signedLeaf(ca, 'CN=x, OU=root, O=cluster1');
    expect(refusal(noRole.certPem).message).toBe('certificate role "root" is not one of manager, worker, admin');
  });
});

describe('channelCredentials', () => {
  it('reaches a manager on any 127.0.0.x although its certificate names only 127.0.0.1', async () => {
    const other = await startServer(manager, '127.0.0.7');
    const c = client(other, channelCredentials(admin, 'manager'));
    expect(await call(c, 'whoAmI')).toEqual({ identity: { nodeId: 'admin', role: 'admin', clusterId: 'cluster1' } });
    // Stock host name checking would have refused it:
    const stock = client(other, grpc.credentials.createSsl(Buffer.from(ca.certPem), Buffer.from(admin.keyPem), Buffer.from(admin.certPem)), {});
    expect((await callError(call(stock, 'whoAmI'))).code).toBe(grpc.status.UNAVAILABLE);
  });

  it('refuses a server that is not of the expected role', async () => {
    const workerAddr = await startServer(worker);
    const c = client(workerAddr, channelCredentials(admin, 'manager'));
    const err = await callError(call(c, 'whoAmI'));
    expect(err.code).toBe(grpc.status.UNAVAILABLE);
    expect(accepted).toEqual([]);
    // Without a role to expect, any node of the cluster will do.
    expect(await call(client(workerAddr, channelCredentials(admin)), 'whoAmI')).toEqual({
      identity: { nodeId: 'admin', role: 'admin', clusterId: 'cluster1' },
    });
  });

  it('refuses a server of another cluster', async () => {
    const foreignAddr = await startServer(await issueCredentials(otherCa, { nodeId: 'm1', role: 'manager', clusterId: 'cluster2' }));
    const err = await callError(call(client(foreignAddr, channelCredentials(admin, 'manager')), 'whoAmI'));
    expect(err.code).toBe(grpc.status.UNAVAILABLE);
  });

  it('wants a certificate and its key together', () => {
    expect(() => channelCredentials({ caPem: ca.certPem, certPem: admin.certPem })).toThrow(/pass both or neither/);
  });
});

describe('serverCredentials', () => {
  it('refuses a certificate that does not go with the CA or the key', () => {
    expect(() => serverCredentials({ ...manager, caPem: otherCa.certPem })).toThrow(/was not issued by the CA given with it/);
    expect(() => serverCredentials({ ...manager, keyPem: admin.keyPem })).toThrow(/the server key does not belong to the server certificate/);
  });
});

describe('joining: fetchCaCertificate and verifyCaDigest', () => {
  it("reads the CA from a manager's handshake and pins it by the token's digest", async () => {
    const pem = await fetchCaCertificate(addr, 5000);
    expect(caDigest(pem)).toBe(caDigest(ca.certPem));
    expect(() => verifyCaDigest(pem, caDigest(ca.certPem), addr)).not.toThrow();

    const e = thrown(() => verifyCaDigest(pem, caDigest(otherCa.certPem), addr));
    expect(e).toBeInstanceOf(CaPinError);
    expect((e as CaPinError).code).toBe('DIGEST_MISMATCH');
    expect(e.message).toBe(
      `the manager at ${addr} presents a CA with digest ${caDigest(ca.certPem)}, but the token expects ${caDigest(otherCa.certPem)}: ` +
        'the token belongs to another cluster, or the cluster CA was rotated (`shoal ca rotate`) after it was issued: ' +
        'get a new token with `shoal join-token worker|manager` (if neither, someone may be intercepting)',
    );
  });

  it('says plainly when nothing listens', async () => {
    const s = net.createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const closed = `127.0.0.1:${(s.address() as net.AddressInfo).port}`;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    const e = await rejection(fetchCaCertificate(closed, 2000));
    expect((e as CaPinError).code).toBe('REFUSED');
    expect(e.message).toBe(`no manager answers at ${closed}: connection refused; check the address and that the manager is running`);
  });

  it('says plainly when the port does not speak TLS', async () => {
    const http = await tcpServer((s) => {
      s.on('error', () => {});
      s.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    });
    const e = await rejection(fetchCaCertificate(http, 2000));
    expect((e as CaPinError).code).toBe('NOT_TLS');
    expect(e.message).toMatch(new RegExp(`^${http}( does not speak TLS| closed the connection during the TLS handshake).*: is it a shoal manager\\?`));
  });

  it('gives up after the timeout when the peer stays silent', async () => {
    const silent = await tcpServer((s) => s.on('error', () => {}));
    const e = await rejection(fetchCaCertificate(silent, 300));
    expect((e as CaPinError).code).toBe('TIMEOUT');
    expect(e.message).toBe(`${silent} accepted the connection but did not complete a TLS handshake within 300 ms: is it a shoal manager?`);
  });

  it('refuses a TLS server that does not send the CA in its chain', async () => {
    const s = tls.createServer({ cert: manager.certPem, key: manager.keyPem }, (sock) => {
      sockets.push(sock);
      sock.on('error', () => {});
    });
    netServers.push(s);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const leafOnly = `127.0.0.1:${(s.address() as net.AddressInfo).port}`;
    const e = await rejection(fetchCaCertificate(leafOnly, 2000));
    expect((e as CaPinError).code).toBe('NO_CA');
    expect(e.message).toBe(
      `${leafOnly} did not send the CA that issued its certificate (CN=m1, OU=manager, O=cluster1) in the TLS handshake: is it a shoal manager?`,
    );
  });

  it('refuses an address that is not host:port', async () => {
    const e = await rejection(fetchCaCertificate('127.0.0.1', 1000));
    expect((e as CaPinError).code).toBe('BAD_ADDRESS');
  });
});
