// @shoal/ingress: the routing mesh.
export { RoutingMesh, type Backend, type Route, type MeshLogger, type MeshOptions, type PublishFailure } from './mesh.js';
export type { TaskCounters } from './counters.js';
