// Original file: proto/control.proto

import type { ReadOptions as _shoal_control_v1_ReadOptions, ReadOptions__Output as _shoal_control_v1_ReadOptions__Output } from '../../../shoal/control/v1/ReadOptions.js';

export interface ListServicesRequest {
  'read'?: (_shoal_control_v1_ReadOptions | null);
}

export interface ListServicesRequest__Output {
  'read': (_shoal_control_v1_ReadOptions__Output | null);
}
