// @shoal/ingress: the routing mesh.
export { RoutingMesh, type Backend, type Route, type MeshLogger } from './mesh.js';
