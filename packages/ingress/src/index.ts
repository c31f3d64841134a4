// @shoal/ingress: the routing mesh.
export { RoutingMesh, type Backend, type Route, type MeshLogger, type PublishFailure } from './mesh.js';
