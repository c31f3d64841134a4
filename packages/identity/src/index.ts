// @shoal/identity: who a node is and how it proves it, for managers, worker agents and the CLI
// alike (SwarmKit's ca/). The cluster CA, join tokens, mutual TLS and role checks, pinning the
// CA while joining, the join and renewal clients, a node's TLS files and the modes that keep
// key material private, and the operator's side of autolock.
//
// Subpaths keep the CLI's start-up lean: `@shoal/identity/tls` (client credentials; no x509
// generation), `/certs` (renewal and CA calls) `/unlock` and `/private-file` load only what they need.

export * from './address.js';
export { serveMetrics, type MetricsSource } from './metrics-endpoint.js';
export * from './ca.js';
export * from './ca-pinning.js';
export * from './cert-renewal.js';
export * from './data-dir-modes.js';
export * from './errors.js';
export * from './join-client.js';
export * from './private-file.js';
export * from './tls.js';
export * from './tls-files.js';
export * from './tokens.js';
export * from './unlock.js';
