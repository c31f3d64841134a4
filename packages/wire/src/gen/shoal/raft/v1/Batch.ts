// Original file: proto/raft.proto

import type { Envelope as _shoal_raft_v1_Envelope, Envelope__Output as _shoal_raft_v1_Envelope__Output } from '../../../shoal/raft/v1/Envelope.js';

export interface Batch {
  'envelopes'?: (_shoal_raft_v1_Envelope)[];
  'incarnation'?: (string);
}

export interface Batch__Output {
  'envelopes': (_shoal_raft_v1_Envelope__Output)[];
  'incarnation': (string);
}
