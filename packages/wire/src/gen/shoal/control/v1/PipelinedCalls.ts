// Original file: proto/control.proto

import type { PipelinedCall as _shoal_control_v1_PipelinedCall, PipelinedCall__Output as _shoal_control_v1_PipelinedCall__Output } from '../../../shoal/control/v1/PipelinedCall.js';

export interface PipelinedCalls {
  'calls'?: (_shoal_control_v1_PipelinedCall)[];
}

export interface PipelinedCalls__Output {
  'calls': (_shoal_control_v1_PipelinedCall__Output)[];
}
