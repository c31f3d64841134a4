// Original file: proto/control.proto

import type { PipelinedReply as _shoal_control_v1_PipelinedReply, PipelinedReply__Output as _shoal_control_v1_PipelinedReply__Output } from '../../../shoal/control/v1/PipelinedReply.js';

export interface PipelinedReplies {
  'replies'?: (_shoal_control_v1_PipelinedReply)[];
}

export interface PipelinedReplies__Output {
  'replies': (_shoal_control_v1_PipelinedReply__Output)[];
}
