// Original file: proto/control.proto

import type { ReadOptions as _shoal_control_v1_ReadOptions, ReadOptions__Output as _shoal_control_v1_ReadOptions__Output } from '../../../shoal/control/v1/ReadOptions.js';

export interface ServiceRef {
  'service'?: (string);
  'read'?: (_shoal_control_v1_ReadOptions | null);
}

export interface ServiceRef__Output {
  'service': (string);
  'read': (_shoal_control_v1_ReadOptions__Output | null);
}
