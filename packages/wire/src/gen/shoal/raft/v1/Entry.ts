// Original file: proto/raft.proto

import type { EntryType as _shoal_raft_v1_EntryType, EntryType__Output as _shoal_raft_v1_EntryType__Output } from '../../../shoal/raft/v1/EntryType.js';
import type { Long } from '@grpc/proto-loader';

export interface Entry {
  'index'?: (number | string | Long);
  'term'?: (number | string | Long);
  'type'?: (_shoal_raft_v1_EntryType);
  'data'?: (Buffer | Uint8Array | string);
}

export interface Entry__Output {
  'index': (string);
  'term': (string);
  'type': (_shoal_raft_v1_EntryType__Output);
  'data': (Buffer);
}
