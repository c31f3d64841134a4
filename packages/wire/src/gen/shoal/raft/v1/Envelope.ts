// Original file: proto/raft.proto

import type { Message as _shoal_raft_v1_Message, Message__Output as _shoal_raft_v1_Message__Output } from '../../../shoal/raft/v1/Message.js';
import type { SnapshotChunk as _shoal_raft_v1_SnapshotChunk, SnapshotChunk__Output as _shoal_raft_v1_SnapshotChunk__Output } from '../../../shoal/raft/v1/SnapshotChunk.js';

export interface Envelope {
  'message'?: (_shoal_raft_v1_Message | null);
  'chunk'?: (_shoal_raft_v1_SnapshotChunk | null);
  'body'?: "message"|"chunk";
}

export interface Envelope__Output {
  'message'?: (_shoal_raft_v1_Message__Output | null);
  'chunk'?: (_shoal_raft_v1_SnapshotChunk__Output | null);
  'body'?: "message"|"chunk";
}
