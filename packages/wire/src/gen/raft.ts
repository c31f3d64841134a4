import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Batch as _shoal_raft_v1_Batch, Batch__Output as _shoal_raft_v1_Batch__Output } from './shoal/raft/v1/Batch.js';
import type { ConfState as _shoal_raft_v1_ConfState, ConfState__Output as _shoal_raft_v1_ConfState__Output } from './shoal/raft/v1/ConfState.js';
import type { Entry as _shoal_raft_v1_Entry, Entry__Output as _shoal_raft_v1_Entry__Output } from './shoal/raft/v1/Entry.js';
import type { Envelope as _shoal_raft_v1_Envelope, Envelope__Output as _shoal_raft_v1_Envelope__Output } from './shoal/raft/v1/Envelope.js';
import type { Message as _shoal_raft_v1_Message, Message__Output as _shoal_raft_v1_Message__Output } from './shoal/raft/v1/Message.js';
import type { RaftTransportClient as _shoal_raft_v1_RaftTransportClient, RaftTransportDefinition as _shoal_raft_v1_RaftTransportDefinition } from './shoal/raft/v1/RaftTransport.js';
import type { SnapshotChunk as _shoal_raft_v1_SnapshotChunk, SnapshotChunk__Output as _shoal_raft_v1_SnapshotChunk__Output } from './shoal/raft/v1/SnapshotChunk.js';
import type { SnapshotMeta as _shoal_raft_v1_SnapshotMeta, SnapshotMeta__Output as _shoal_raft_v1_SnapshotMeta__Output } from './shoal/raft/v1/SnapshotMeta.js';
import type { StreamClosed as _shoal_raft_v1_StreamClosed, StreamClosed__Output as _shoal_raft_v1_StreamClosed__Output } from './shoal/raft/v1/StreamClosed.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  shoal: {
    raft: {
      v1: {
        Batch: MessageTypeDefinition<_shoal_raft_v1_Batch, _shoal_raft_v1_Batch__Output>
        ConfState: MessageTypeDefinition<_shoal_raft_v1_ConfState, _shoal_raft_v1_ConfState__Output>
        Entry: MessageTypeDefinition<_shoal_raft_v1_Entry, _shoal_raft_v1_Entry__Output>
        EntryType: EnumTypeDefinition
        Envelope: MessageTypeDefinition<_shoal_raft_v1_Envelope, _shoal_raft_v1_Envelope__Output>
        Message: MessageTypeDefinition<_shoal_raft_v1_Message, _shoal_raft_v1_Message__Output>
        MessageType: EnumTypeDefinition
        RaftTransport: SubtypeConstructor<typeof grpc.Client, _shoal_raft_v1_RaftTransportClient> & { service: _shoal_raft_v1_RaftTransportDefinition }
        SnapshotChunk: MessageTypeDefinition<_shoal_raft_v1_SnapshotChunk, _shoal_raft_v1_SnapshotChunk__Output>
        SnapshotMeta: MessageTypeDefinition<_shoal_raft_v1_SnapshotMeta, _shoal_raft_v1_SnapshotMeta__Output>
        StreamClosed: MessageTypeDefinition<_shoal_raft_v1_StreamClosed, _shoal_raft_v1_StreamClosed__Output>
      }
    }
  }
}

