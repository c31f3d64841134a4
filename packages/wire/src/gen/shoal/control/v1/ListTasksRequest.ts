// Original file: proto/control.proto

import type { ReadOptions as _shoal_control_v1_ReadOptions, ReadOptions__Output as _shoal_control_v1_ReadOptions__Output } from '../../../shoal/control/v1/ReadOptions.js';

export interface ListTasksRequest {
  'service'?: (string);
  'node'?: (string);
  'read'?: (_shoal_control_v1_ReadOptions | null);
}

export interface ListTasksRequest__Output {
  'service': (string);
  'node': (string);
  'read': (_shoal_control_v1_ReadOptions__Output | null);
}
