// Original file: proto/dispatcher.proto

import type { Backend as _shoal_dispatcher_v1_Backend, Backend__Output as _shoal_dispatcher_v1_Backend__Output } from '../../../shoal/dispatcher/v1/Backend.js';

export interface Route {
  'published'?: (number);
  'serviceName'?: (string);
  'backends'?: (_shoal_dispatcher_v1_Backend)[];
}

export interface Route__Output {
  'published': (number);
  'serviceName': (string);
  'backends': (_shoal_dispatcher_v1_Backend__Output)[];
}
