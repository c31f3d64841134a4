// Original file: proto/control.proto

import type { Resources as _shoal_control_v1_Resources, Resources__Output as _shoal_control_v1_Resources__Output } from '../../../shoal/control/v1/Resources.js';

export interface JoinRequest {
  'token'?: (string);
  'csr'?: (string);
  'name'?: (string);
  'hostname'?: (string);
  'addr'?: (string);
  'labels'?: ({[key: string]: string});
  'resources'?: (_shoal_control_v1_Resources | null);
  'role'?: (string);
}

export interface JoinRequest__Output {
  'token': (string);
  'csr': (string);
  'name': (string);
  'hostname': (string);
  'addr': (string);
  'labels': ({[key: string]: string});
  'resources': (_shoal_control_v1_Resources__Output | null);
  'role': (string);
}
