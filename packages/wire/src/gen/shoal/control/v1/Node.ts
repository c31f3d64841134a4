// Original file: proto/control.proto

import type { ManagerStatus as _shoal_control_v1_ManagerStatus, ManagerStatus__Output as _shoal_control_v1_ManagerStatus__Output } from '../../../shoal/control/v1/ManagerStatus.js';
import type { Resources as _shoal_control_v1_Resources, Resources__Output as _shoal_control_v1_Resources__Output } from '../../../shoal/control/v1/Resources.js';
import type { Long } from '@grpc/proto-loader';

export interface Node {
  'id'?: (string);
  'name'?: (string);
  'role'?: (string);
  'status'?: (string);
  'availability'?: (string);
  'addr'?: (string);
  'labels'?: ({[key: string]: string});
  'managerStatus'?: (_shoal_control_v1_ManagerStatus | null);
  'version'?: (number | string | Long);
  'createdAt'?: (string);
  'updatedAt'?: (string);
  'hostname'?: (string);
  'resources'?: (_shoal_control_v1_Resources | null);
  'statusMessage'?: (string);
}

export interface Node__Output {
  'id': (string);
  'name': (string);
  'role': (string);
  'status': (string);
  'availability': (string);
  'addr': (string);
  'labels': ({[key: string]: string});
  'managerStatus': (_shoal_control_v1_ManagerStatus__Output | null);
  'version': (string);
  'createdAt': (string);
  'updatedAt': (string);
  'hostname': (string);
  'resources': (_shoal_control_v1_Resources__Output | null);
  'statusMessage': (string);
}
