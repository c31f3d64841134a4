// Original file: proto/control.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ClusterInfoRequest as _shoal_control_v1_ClusterInfoRequest, ClusterInfoRequest__Output as _shoal_control_v1_ClusterInfoRequest__Output } from '../../../shoal/control/v1/ClusterInfoRequest.js';
import type { ClusterInfoResponse as _shoal_control_v1_ClusterInfoResponse, ClusterInfoResponse__Output as _shoal_control_v1_ClusterInfoResponse__Output } from '../../../shoal/control/v1/ClusterInfoResponse.js';
import type { JoinTokenRequest as _shoal_control_v1_JoinTokenRequest, JoinTokenRequest__Output as _shoal_control_v1_JoinTokenRequest__Output } from '../../../shoal/control/v1/JoinTokenRequest.js';
import type { JoinTokenResponse as _shoal_control_v1_JoinTokenResponse, JoinTokenResponse__Output as _shoal_control_v1_JoinTokenResponse__Output } from '../../../shoal/control/v1/JoinTokenResponse.js';
import type { ListNodesRequest as _shoal_control_v1_ListNodesRequest, ListNodesRequest__Output as _shoal_control_v1_ListNodesRequest__Output } from '../../../shoal/control/v1/ListNodesRequest.js';
import type { ListNodesResponse as _shoal_control_v1_ListNodesResponse, ListNodesResponse__Output as _shoal_control_v1_ListNodesResponse__Output } from '../../../shoal/control/v1/ListNodesResponse.js';
import type { Node as _shoal_control_v1_Node, Node__Output as _shoal_control_v1_Node__Output } from '../../../shoal/control/v1/Node.js';
import type { NodeRef as _shoal_control_v1_NodeRef, NodeRef__Output as _shoal_control_v1_NodeRef__Output } from '../../../shoal/control/v1/NodeRef.js';
import type { RemoveNodeRequest as _shoal_control_v1_RemoveNodeRequest, RemoveNodeRequest__Output as _shoal_control_v1_RemoveNodeRequest__Output } from '../../../shoal/control/v1/RemoveNodeRequest.js';
import type { RemoveNodeResponse as _shoal_control_v1_RemoveNodeResponse, RemoveNodeResponse__Output as _shoal_control_v1_RemoveNodeResponse__Output } from '../../../shoal/control/v1/RemoveNodeResponse.js';
import type { UpdateNodeRequest as _shoal_control_v1_UpdateNodeRequest, UpdateNodeRequest__Output as _shoal_control_v1_UpdateNodeRequest__Output } from '../../../shoal/control/v1/UpdateNodeRequest.js';

export interface ControlClient extends grpc.Client {
  ClusterInfo(argument: _shoal_control_v1_ClusterInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  ClusterInfo(argument: _shoal_control_v1_ClusterInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_ClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  ClusterInfo(argument: _shoal_control_v1_ClusterInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  ClusterInfo(argument: _shoal_control_v1_ClusterInfoRequest, callback: grpc.requestCallback<_shoal_control_v1_ClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  clusterInfo(argument: _shoal_control_v1_ClusterInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  clusterInfo(argument: _shoal_control_v1_ClusterInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_ClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  clusterInfo(argument: _shoal_control_v1_ClusterInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  clusterInfo(argument: _shoal_control_v1_ClusterInfoRequest, callback: grpc.requestCallback<_shoal_control_v1_ClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  
  DemoteNode(argument: _shoal_control_v1_NodeRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  DemoteNode(argument: _shoal_control_v1_NodeRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  DemoteNode(argument: _shoal_control_v1_NodeRef, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  DemoteNode(argument: _shoal_control_v1_NodeRef, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  demoteNode(argument: _shoal_control_v1_NodeRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  demoteNode(argument: _shoal_control_v1_NodeRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  demoteNode(argument: _shoal_control_v1_NodeRef, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  demoteNode(argument: _shoal_control_v1_NodeRef, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  
  GetNode(argument: _shoal_control_v1_NodeRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  GetNode(argument: _shoal_control_v1_NodeRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  GetNode(argument: _shoal_control_v1_NodeRef, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  GetNode(argument: _shoal_control_v1_NodeRef, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  getNode(argument: _shoal_control_v1_NodeRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  getNode(argument: _shoal_control_v1_NodeRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  getNode(argument: _shoal_control_v1_NodeRef, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  getNode(argument: _shoal_control_v1_NodeRef, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  
  JoinToken(argument: _shoal_control_v1_JoinTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_JoinTokenResponse__Output>): grpc.ClientUnaryCall;
  JoinToken(argument: _shoal_control_v1_JoinTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_JoinTokenResponse__Output>): grpc.ClientUnaryCall;
  JoinToken(argument: _shoal_control_v1_JoinTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_JoinTokenResponse__Output>): grpc.ClientUnaryCall;
  JoinToken(argument: _shoal_control_v1_JoinTokenRequest, callback: grpc.requestCallback<_shoal_control_v1_JoinTokenResponse__Output>): grpc.ClientUnaryCall;
  joinToken(argument: _shoal_control_v1_JoinTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_JoinTokenResponse__Output>): grpc.ClientUnaryCall;
  joinToken(argument: _shoal_control_v1_JoinTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_JoinTokenResponse__Output>): grpc.ClientUnaryCall;
  joinToken(argument: _shoal_control_v1_JoinTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_JoinTokenResponse__Output>): grpc.ClientUnaryCall;
  joinToken(argument: _shoal_control_v1_JoinTokenRequest, callback: grpc.requestCallback<_shoal_control_v1_JoinTokenResponse__Output>): grpc.ClientUnaryCall;
  
  ListNodes(argument: _shoal_control_v1_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _shoal_control_v1_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _shoal_control_v1_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _shoal_control_v1_ListNodesRequest, callback: grpc.requestCallback<_shoal_control_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _shoal_control_v1_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _shoal_control_v1_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _shoal_control_v1_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _shoal_control_v1_ListNodesRequest, callback: grpc.requestCallback<_shoal_control_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  
  PromoteNode(argument: _shoal_control_v1_NodeRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  PromoteNode(argument: _shoal_control_v1_NodeRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  PromoteNode(argument: _shoal_control_v1_NodeRef, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  PromoteNode(argument: _shoal_control_v1_NodeRef, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  promoteNode(argument: _shoal_control_v1_NodeRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  promoteNode(argument: _shoal_control_v1_NodeRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  promoteNode(argument: _shoal_control_v1_NodeRef, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  promoteNode(argument: _shoal_control_v1_NodeRef, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  
  RemoveNode(argument: _shoal_control_v1_RemoveNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _shoal_control_v1_RemoveNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _shoal_control_v1_RemoveNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _shoal_control_v1_RemoveNodeRequest, callback: grpc.requestCallback<_shoal_control_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _shoal_control_v1_RemoveNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _shoal_control_v1_RemoveNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _shoal_control_v1_RemoveNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _shoal_control_v1_RemoveNodeRequest, callback: grpc.requestCallback<_shoal_control_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  
  UpdateNode(argument: _shoal_control_v1_UpdateNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  UpdateNode(argument: _shoal_control_v1_UpdateNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  UpdateNode(argument: _shoal_control_v1_UpdateNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  UpdateNode(argument: _shoal_control_v1_UpdateNodeRequest, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  updateNode(argument: _shoal_control_v1_UpdateNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  updateNode(argument: _shoal_control_v1_UpdateNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  updateNode(argument: _shoal_control_v1_UpdateNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  updateNode(argument: _shoal_control_v1_UpdateNodeRequest, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  
}

export interface ControlHandlers extends grpc.UntypedServiceImplementation {
  ClusterInfo: grpc.handleUnaryCall<_shoal_control_v1_ClusterInfoRequest__Output, _shoal_control_v1_ClusterInfoResponse>;
  
  DemoteNode: grpc.handleUnaryCall<_shoal_control_v1_NodeRef__Output, _shoal_control_v1_Node>;
  
  GetNode: grpc.handleUnaryCall<_shoal_control_v1_NodeRef__Output, _shoal_control_v1_Node>;
  
  JoinToken: grpc.handleUnaryCall<_shoal_control_v1_JoinTokenRequest__Output, _shoal_control_v1_JoinTokenResponse>;
  
  ListNodes: grpc.handleUnaryCall<_shoal_control_v1_ListNodesRequest__Output, _shoal_control_v1_ListNodesResponse>;
  
  PromoteNode: grpc.handleUnaryCall<_shoal_control_v1_NodeRef__Output, _shoal_control_v1_Node>;
  
  RemoveNode: grpc.handleUnaryCall<_shoal_control_v1_RemoveNodeRequest__Output, _shoal_control_v1_RemoveNodeResponse>;
  
  UpdateNode: grpc.handleUnaryCall<_shoal_control_v1_UpdateNodeRequest__Output, _shoal_control_v1_Node>;
  
}

export interface ControlDefinition extends grpc.ServiceDefinition {
  ClusterInfo: MethodDefinition<_shoal_control_v1_ClusterInfoRequest, _shoal_control_v1_ClusterInfoResponse, _shoal_control_v1_ClusterInfoRequest__Output, _shoal_control_v1_ClusterInfoResponse__Output>
  DemoteNode: MethodDefinition<_shoal_control_v1_NodeRef, _shoal_control_v1_Node, _shoal_control_v1_NodeRef__Output, _shoal_control_v1_Node__Output>
  GetNode: MethodDefinition<_shoal_control_v1_NodeRef, _shoal_control_v1_Node, _shoal_control_v1_NodeRef__Output, _shoal_control_v1_Node__Output>
  JoinToken: MethodDefinition<_shoal_control_v1_JoinTokenRequest, _shoal_control_v1_JoinTokenResponse, _shoal_control_v1_JoinTokenRequest__Output, _shoal_control_v1_JoinTokenResponse__Output>
  ListNodes: MethodDefinition<_shoal_control_v1_ListNodesRequest, _shoal_control_v1_ListNodesResponse, _shoal_control_v1_ListNodesRequest__Output, _shoal_control_v1_ListNodesResponse__Output>
  PromoteNode: MethodDefinition<_shoal_control_v1_NodeRef, _shoal_control_v1_Node, _shoal_control_v1_NodeRef__Output, _shoal_control_v1_Node__Output>
  RemoveNode: MethodDefinition<_shoal_control_v1_RemoveNodeRequest, _shoal_control_v1_RemoveNodeResponse, _shoal_control_v1_RemoveNodeRequest__Output, _shoal_control_v1_RemoveNodeResponse__Output>
  UpdateNode: MethodDefinition<_shoal_control_v1_UpdateNodeRequest, _shoal_control_v1_Node, _shoal_control_v1_UpdateNodeRequest__Output, _shoal_control_v1_Node__Output>
}
