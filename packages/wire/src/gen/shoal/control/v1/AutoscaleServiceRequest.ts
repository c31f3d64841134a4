// Original file: proto/control.proto

import type { AutoscaleConfig as _shoal_control_v1_AutoscaleConfig, AutoscaleConfig__Output as _shoal_control_v1_AutoscaleConfig__Output } from '../../../shoal/control/v1/AutoscaleConfig.js';

export interface AutoscaleServiceRequest {
  'service'?: (string);
  'autoscale'?: (_shoal_control_v1_AutoscaleConfig | null);
}

export interface AutoscaleServiceRequest__Output {
  'service': (string);
  'autoscale': (_shoal_control_v1_AutoscaleConfig__Output | null);
}
