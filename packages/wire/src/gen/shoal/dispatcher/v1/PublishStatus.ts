// Original file: proto/dispatcher.proto

import type { PublishFailure as _shoal_dispatcher_v1_PublishFailure, PublishFailure__Output as _shoal_dispatcher_v1_PublishFailure__Output } from '../../../shoal/dispatcher/v1/PublishFailure.js';

export interface PublishStatus {
  'failures'?: (_shoal_dispatcher_v1_PublishFailure)[];
}

export interface PublishStatus__Output {
  'failures': (_shoal_dispatcher_v1_PublishFailure__Output)[];
}
