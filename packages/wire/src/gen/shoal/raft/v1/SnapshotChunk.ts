// Original file: proto/raft.proto

import type { SnapshotMeta as _shoal_raft_v1_SnapshotMeta, SnapshotMeta__Output as _shoal_raft_v1_SnapshotMeta__Output } from '../../../shoal/raft/v1/SnapshotMeta.js';
import type { Long } from '@grpc/proto-loader';

export interface SnapshotChunk {
  'from'?: (string);
  'to'?: (string);
  'term'?: (number | string | Long);
  'meta'?: (_shoal_raft_v1_SnapshotMeta | null);
  'offset'?: (number | string | Long);
  'totalBytes'?: (number | string | Long);
  'data'?: (Buffer | Uint8Array | string);
}

export interface SnapshotChunk__Output {
  'from': (string);
  'to': (string);
  'term': (string);
  'meta': (_shoal_raft_v1_SnapshotMeta__Output | null);
  'offset': (string);
  'totalBytes': (string);
  'data': (Buffer);
}
