// The joining side: pin the cluster CA by the token's digest, then ask for a certificate.
//
//   1. parse the token (SWMTKN-1-<CA digest>-<secret>)
//   2. read the CA from the manager's TLS handshake and check its digest against the token
//   3. make a key and a CSR (the key never leaves this node)
//   4. call Join over TLS verified against that CA; follow the leader if told to

import * as grpc from '@grpc/grpc-js';
import { CLIENT_OPTIONS, controlProto, readErrorCode, readLeaderAddr, type JoinClient, type JoinRequest, type JoinResponse__Output } from '@shoal/wire';
import { generateKeyAndCsr } from './ca.js';
import { fetchCaCertificate, verifyCaDigest } from './ca-pinning.js';
import { IdentityError, type ShoalErrorCode } from './errors.js';
import { TLS_CHANNEL_OPTIONS, channelCredentials } from './tls.js';
import { parseJoinToken } from './tokens.js';

export interface JoinParams {
  readonly remote: string;
  readonly token: string;
  readonly name: string;
  readonly hostname: string;
  /** Where the joining node serves (managers). */
  readonly addr: string;
  readonly labels?: Record<string, string>;
  readonly resources?: { nanoCpus: number; memoryBytes: number };
  /** "manager": refuse a worker token instead of joining as a worker. */
  readonly role?: 'manager' | 'worker';
}

export interface Joined {
  readonly response: JoinResponse__Output;
  readonly caPem: string;
  readonly keyPem: string;
}

function callJoin(addr: string, caPem: string, req: JoinRequest): Promise<JoinResponse__Output> {
  const Join = controlProto().Join;
  const client = new Join(addr, channelCredentials({ caPem }, 'manager'), { ...CLIENT_OPTIONS, ...TLS_CHANNEL_OPTIONS }) as unknown as JoinClient;
  return new Promise<JoinResponse__Output>((resolve, reject) => {
    client.Join(req, { deadline: Date.now() + 20_000 }, (e, r) => (e ? reject(e) : resolve(r!)));
  }).finally(() => (client as unknown as grpc.Client).close());
}

export async function joinCluster(p: JoinParams): Promise<Joined> {
  const { caDigest } = parseJoinToken(p.token); // throws a clear error on a malformed token
  const caPem = await fetchCaCertificate(p.remote);
  verifyCaDigest(caPem, caDigest, p.remote);
  const { keyPem, csrPem } = await generateKeyAndCsr();
  const req: JoinRequest = {
    token: p.token,
    csr: csrPem,
    name: p.name,
    hostname: p.hostname,
    addr: p.addr,
    labels: p.labels ?? {},
    resources: { nanoCpus: String(p.resources?.nanoCpus ?? 0), memoryBytes: String(p.resources?.memoryBytes ?? 0) },
    role: p.role ?? '',
  };
  let addr = p.remote;
  for (let attempt = 0; ; attempt++) {
    try {
      return { response: await callJoin(addr, caPem, req), caPem, keyPem };
    } catch (err) {
      const e = err as grpc.ServiceError;
      const code = readErrorCode(e);
      const leader = readLeaderAddr(e);
      if (code === 'NOT_LEADER' && leader && attempt < 5) {
        addr = leader;
        continue;
      }
      if ((code === 'NO_QUORUM' || code === 'TIMEOUT') && attempt < 5) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (code === 'TOKEN_REJECTED') throw new IdentityError('TOKEN_REJECTED', `the cluster refused the join: ${e.details}`);
      if (e.code === grpc.status.UNAVAILABLE) {
        throw new IdentityError('NO_QUORUM', `cannot reach the manager at ${addr} to join: ${e.details}; check the address`);
      }
      throw new IdentityError((code as ShoalErrorCode | undefined) ?? 'INTERNAL', `joining through ${addr} failed: ${e.details || e.message}`);
    }
  }
}
