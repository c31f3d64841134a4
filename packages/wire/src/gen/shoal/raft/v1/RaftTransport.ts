// Original file: proto/raft.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Batch as _shoal_raft_v1_Batch, Batch__Output as _shoal_raft_v1_Batch__Output } from '../../../shoal/raft/v1/Batch.js';
import type { StreamClosed as _shoal_raft_v1_StreamClosed, StreamClosed__Output as _shoal_raft_v1_StreamClosed__Output } from '../../../shoal/raft/v1/StreamClosed.js';

export interface RaftTransportClient extends grpc.Client {
  Stream(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_raft_v1_StreamClosed__Output>): grpc.ClientWritableStream<_shoal_raft_v1_Batch>;
  Stream(metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_raft_v1_StreamClosed__Output>): grpc.ClientWritableStream<_shoal_raft_v1_Batch>;
  Stream(options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_raft_v1_StreamClosed__Output>): grpc.ClientWritableStream<_shoal_raft_v1_Batch>;
  Stream(callback: grpc.requestCallback<_shoal_raft_v1_StreamClosed__Output>): grpc.ClientWritableStream<_shoal_raft_v1_Batch>;
  stream(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_raft_v1_StreamClosed__Output>): grpc.ClientWritableStream<_shoal_raft_v1_Batch>;
  stream(metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_raft_v1_StreamClosed__Output>): grpc.ClientWritableStream<_shoal_raft_v1_Batch>;
  stream(options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_raft_v1_StreamClosed__Output>): grpc.ClientWritableStream<_shoal_raft_v1_Batch>;
  stream(callback: grpc.requestCallback<_shoal_raft_v1_StreamClosed__Output>): grpc.ClientWritableStream<_shoal_raft_v1_Batch>;
  
}

export interface RaftTransportHandlers extends grpc.UntypedServiceImplementation {
  Stream: grpc.handleClientStreamingCall<_shoal_raft_v1_Batch__Output, _shoal_raft_v1_StreamClosed>;
  
}

export interface RaftTransportDefinition extends grpc.ServiceDefinition {
  Stream: MethodDefinition<_shoal_raft_v1_Batch, _shoal_raft_v1_StreamClosed, _shoal_raft_v1_Batch__Output, _shoal_raft_v1_StreamClosed__Output>
}
