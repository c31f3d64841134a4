// The manager's security surface in one import: the cluster CA, join tokens, and mutual TLS
// with peer authentication for gRPC.

export * from './ca.js';
export * from './tokens.js';
export * from './identity.js';
