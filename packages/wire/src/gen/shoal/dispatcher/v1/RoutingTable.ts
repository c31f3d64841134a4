// Original file: proto/dispatcher.proto

import type { Route as _shoal_dispatcher_v1_Route, Route__Output as _shoal_dispatcher_v1_Route__Output } from '../../../shoal/dispatcher/v1/Route.js';

export interface RoutingTable {
  'routes'?: (_shoal_dispatcher_v1_Route)[];
  'full'?: (boolean);
  'removed'?: (number)[];
}

export interface RoutingTable__Output {
  'routes': (_shoal_dispatcher_v1_Route__Output)[];
  'full': (boolean);
  'removed': (number)[];
}
