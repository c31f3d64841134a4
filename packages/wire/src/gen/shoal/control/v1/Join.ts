// Original file: proto/control.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { JoinRequest as _shoal_control_v1_JoinRequest, JoinRequest__Output as _shoal_control_v1_JoinRequest__Output } from '../../../shoal/control/v1/JoinRequest.js';
import type { JoinResponse as _shoal_control_v1_JoinResponse, JoinResponse__Output as _shoal_control_v1_JoinResponse__Output } from '../../../shoal/control/v1/JoinResponse.js';

export interface JoinClient extends grpc.Client {
  Join(argument: _shoal_control_v1_JoinRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_JoinResponse__Output>): grpc.ClientUnaryCall;
  Join(argument: _shoal_control_v1_JoinRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_JoinResponse__Output>): grpc.ClientUnaryCall;
  Join(argument: _shoal_control_v1_JoinRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_JoinResponse__Output>): grpc.ClientUnaryCall;
  Join(argument: _shoal_control_v1_JoinRequest, callback: grpc.requestCallback<_shoal_control_v1_JoinResponse__Output>): grpc.ClientUnaryCall;
  join(argument: _shoal_control_v1_JoinRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_JoinResponse__Output>): grpc.ClientUnaryCall;
  join(argument: _shoal_control_v1_JoinRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_JoinResponse__Output>): grpc.ClientUnaryCall;
  join(argument: _shoal_control_v1_JoinRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_JoinResponse__Output>): grpc.ClientUnaryCall;
  join(argument: _shoal_control_v1_JoinRequest, callback: grpc.requestCallback<_shoal_control_v1_JoinResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface JoinHandlers extends grpc.UntypedServiceImplementation {
  Join: grpc.handleUnaryCall<_shoal_control_v1_JoinRequest__Output, _shoal_control_v1_JoinResponse>;
  
}

export interface JoinDefinition extends grpc.ServiceDefinition {
  Join: MethodDefinition<_shoal_control_v1_JoinRequest, _shoal_control_v1_JoinResponse, _shoal_control_v1_JoinRequest__Output, _shoal_control_v1_JoinResponse__Output>
}
