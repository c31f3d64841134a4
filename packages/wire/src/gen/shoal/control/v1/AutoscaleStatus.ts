// Original file: proto/control.proto

import type { AutoscaleDecision as _shoal_control_v1_AutoscaleDecision, AutoscaleDecision__Output as _shoal_control_v1_AutoscaleDecision__Output } from '../../../shoal/control/v1/AutoscaleDecision.js';

export interface AutoscaleStatus {
  'decisions'?: (_shoal_control_v1_AutoscaleDecision)[];
}

export interface AutoscaleStatus__Output {
  'decisions': (_shoal_control_v1_AutoscaleDecision__Output)[];
}
