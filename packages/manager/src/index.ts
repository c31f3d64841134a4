// @shoal/manager: the manager process, run in-process by `shoal manager init|join|start`.
// Identity (CA, tokens, TLS, joining, renewal, unlock client) is @shoal/identity's. Tests that
// stand in for a manager reach its internals through explicit subpaths (package.json exports):
// `@shoal/manager/errors`, `/pipeline`, `/autolock`.
export { Manager, type CommonOptions, type InitOptions, type JoinOptions, type ManagerHandle, type StartOptions } from './manager.js';
export type { RaftTimings } from './raft-host.js';
