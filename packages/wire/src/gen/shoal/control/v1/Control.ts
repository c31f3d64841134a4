// Original file: proto/control.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AutoscaleServiceRequest as _shoal_control_v1_AutoscaleServiceRequest, AutoscaleServiceRequest__Output as _shoal_control_v1_AutoscaleServiceRequest__Output } from '../../../shoal/control/v1/AutoscaleServiceRequest.js';
import type { ClusterInfoRequest as _shoal_control_v1_ClusterInfoRequest, ClusterInfoRequest__Output as _shoal_control_v1_ClusterInfoRequest__Output } from '../../../shoal/control/v1/ClusterInfoRequest.js';
import type { ClusterInfoResponse as _shoal_control_v1_ClusterInfoResponse, ClusterInfoResponse__Output as _shoal_control_v1_ClusterInfoResponse__Output } from '../../../shoal/control/v1/ClusterInfoResponse.js';
import type { ClusterSettingsInfo as _shoal_control_v1_ClusterSettingsInfo, ClusterSettingsInfo__Output as _shoal_control_v1_ClusterSettingsInfo__Output } from '../../../shoal/control/v1/ClusterSettingsInfo.js';
import type { CreateServiceRequest as _shoal_control_v1_CreateServiceRequest, CreateServiceRequest__Output as _shoal_control_v1_CreateServiceRequest__Output } from '../../../shoal/control/v1/CreateServiceRequest.js';
import type { JoinTokenRequest as _shoal_control_v1_JoinTokenRequest, JoinTokenRequest__Output as _shoal_control_v1_JoinTokenRequest__Output } from '../../../shoal/control/v1/JoinTokenRequest.js';
import type { JoinTokenResponse as _shoal_control_v1_JoinTokenResponse, JoinTokenResponse__Output as _shoal_control_v1_JoinTokenResponse__Output } from '../../../shoal/control/v1/JoinTokenResponse.js';
import type { ListNodesRequest as _shoal_control_v1_ListNodesRequest, ListNodesRequest__Output as _shoal_control_v1_ListNodesRequest__Output } from '../../../shoal/control/v1/ListNodesRequest.js';
import type { ListNodesResponse as _shoal_control_v1_ListNodesResponse, ListNodesResponse__Output as _shoal_control_v1_ListNodesResponse__Output } from '../../../shoal/control/v1/ListNodesResponse.js';
import type { ListServicesRequest as _shoal_control_v1_ListServicesRequest, ListServicesRequest__Output as _shoal_control_v1_ListServicesRequest__Output } from '../../../shoal/control/v1/ListServicesRequest.js';
import type { ListServicesResponse as _shoal_control_v1_ListServicesResponse, ListServicesResponse__Output as _shoal_control_v1_ListServicesResponse__Output } from '../../../shoal/control/v1/ListServicesResponse.js';
import type { ListTasksRequest as _shoal_control_v1_ListTasksRequest, ListTasksRequest__Output as _shoal_control_v1_ListTasksRequest__Output } from '../../../shoal/control/v1/ListTasksRequest.js';
import type { ListTasksResponse as _shoal_control_v1_ListTasksResponse, ListTasksResponse__Output as _shoal_control_v1_ListTasksResponse__Output } from '../../../shoal/control/v1/ListTasksResponse.js';
import type { Node as _shoal_control_v1_Node, Node__Output as _shoal_control_v1_Node__Output } from '../../../shoal/control/v1/Node.js';
import type { NodeRef as _shoal_control_v1_NodeRef, NodeRef__Output as _shoal_control_v1_NodeRef__Output } from '../../../shoal/control/v1/NodeRef.js';
import type { PipelinedCalls as _shoal_control_v1_PipelinedCalls, PipelinedCalls__Output as _shoal_control_v1_PipelinedCalls__Output } from '../../../shoal/control/v1/PipelinedCalls.js';
import type { PipelinedReplies as _shoal_control_v1_PipelinedReplies, PipelinedReplies__Output as _shoal_control_v1_PipelinedReplies__Output } from '../../../shoal/control/v1/PipelinedReplies.js';
import type { RemoveNodeRequest as _shoal_control_v1_RemoveNodeRequest, RemoveNodeRequest__Output as _shoal_control_v1_RemoveNodeRequest__Output } from '../../../shoal/control/v1/RemoveNodeRequest.js';
import type { RemoveNodeResponse as _shoal_control_v1_RemoveNodeResponse, RemoveNodeResponse__Output as _shoal_control_v1_RemoveNodeResponse__Output } from '../../../shoal/control/v1/RemoveNodeResponse.js';
import type { RemoveServiceResponse as _shoal_control_v1_RemoveServiceResponse, RemoveServiceResponse__Output as _shoal_control_v1_RemoveServiceResponse__Output } from '../../../shoal/control/v1/RemoveServiceResponse.js';
import type { RollbackServiceRequest as _shoal_control_v1_RollbackServiceRequest, RollbackServiceRequest__Output as _shoal_control_v1_RollbackServiceRequest__Output } from '../../../shoal/control/v1/RollbackServiceRequest.js';
import type { Service as _shoal_control_v1_Service, Service__Output as _shoal_control_v1_Service__Output } from '../../../shoal/control/v1/Service.js';
import type { ServiceLogLine as _shoal_control_v1_ServiceLogLine, ServiceLogLine__Output as _shoal_control_v1_ServiceLogLine__Output } from '../../../shoal/control/v1/ServiceLogLine.js';
import type { ServiceLogsRequest as _shoal_control_v1_ServiceLogsRequest, ServiceLogsRequest__Output as _shoal_control_v1_ServiceLogsRequest__Output } from '../../../shoal/control/v1/ServiceLogsRequest.js';
import type { ServiceRef as _shoal_control_v1_ServiceRef, ServiceRef__Output as _shoal_control_v1_ServiceRef__Output } from '../../../shoal/control/v1/ServiceRef.js';
import type { UnlockKeyRequest as _shoal_control_v1_UnlockKeyRequest, UnlockKeyRequest__Output as _shoal_control_v1_UnlockKeyRequest__Output } from '../../../shoal/control/v1/UnlockKeyRequest.js';
import type { UnlockKeyResponse as _shoal_control_v1_UnlockKeyResponse, UnlockKeyResponse__Output as _shoal_control_v1_UnlockKeyResponse__Output } from '../../../shoal/control/v1/UnlockKeyResponse.js';
import type { UpdateClusterRequest as _shoal_control_v1_UpdateClusterRequest, UpdateClusterRequest__Output as _shoal_control_v1_UpdateClusterRequest__Output } from '../../../shoal/control/v1/UpdateClusterRequest.js';
import type { UpdateNodeRequest as _shoal_control_v1_UpdateNodeRequest, UpdateNodeRequest__Output as _shoal_control_v1_UpdateNodeRequest__Output } from '../../../shoal/control/v1/UpdateNodeRequest.js';
import type { UpdateServiceRequest as _shoal_control_v1_UpdateServiceRequest, UpdateServiceRequest__Output as _shoal_control_v1_UpdateServiceRequest__Output } from '../../../shoal/control/v1/UpdateServiceRequest.js';

export interface ControlClient extends grpc.Client {
  AutoscaleService(argument: _shoal_control_v1_AutoscaleServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  AutoscaleService(argument: _shoal_control_v1_AutoscaleServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  AutoscaleService(argument: _shoal_control_v1_AutoscaleServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  AutoscaleService(argument: _shoal_control_v1_AutoscaleServiceRequest, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  autoscaleService(argument: _shoal_control_v1_AutoscaleServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  autoscaleService(argument: _shoal_control_v1_AutoscaleServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  autoscaleService(argument: _shoal_control_v1_AutoscaleServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  autoscaleService(argument: _shoal_control_v1_AutoscaleServiceRequest, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  
  ClusterInfo(argument: _shoal_control_v1_ClusterInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  ClusterInfo(argument: _shoal_control_v1_ClusterInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_ClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  ClusterInfo(argument: _shoal_control_v1_ClusterInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  ClusterInfo(argument: _shoal_control_v1_ClusterInfoRequest, callback: grpc.requestCallback<_shoal_control_v1_ClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  clusterInfo(argument: _shoal_control_v1_ClusterInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  clusterInfo(argument: _shoal_control_v1_ClusterInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_ClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  clusterInfo(argument: _shoal_control_v1_ClusterInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  clusterInfo(argument: _shoal_control_v1_ClusterInfoRequest, callback: grpc.requestCallback<_shoal_control_v1_ClusterInfoResponse__Output>): grpc.ClientUnaryCall;
  
  CreateService(argument: _shoal_control_v1_CreateServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  CreateService(argument: _shoal_control_v1_CreateServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  CreateService(argument: _shoal_control_v1_CreateServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  CreateService(argument: _shoal_control_v1_CreateServiceRequest, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  createService(argument: _shoal_control_v1_CreateServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  createService(argument: _shoal_control_v1_CreateServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  createService(argument: _shoal_control_v1_CreateServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  createService(argument: _shoal_control_v1_CreateServiceRequest, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  
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
  
  GetService(argument: _shoal_control_v1_ServiceRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  GetService(argument: _shoal_control_v1_ServiceRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  GetService(argument: _shoal_control_v1_ServiceRef, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  GetService(argument: _shoal_control_v1_ServiceRef, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  getService(argument: _shoal_control_v1_ServiceRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  getService(argument: _shoal_control_v1_ServiceRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  getService(argument: _shoal_control_v1_ServiceRef, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  getService(argument: _shoal_control_v1_ServiceRef, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  
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
  
  ListServices(argument: _shoal_control_v1_ListServicesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ListServicesResponse__Output>): grpc.ClientUnaryCall;
  ListServices(argument: _shoal_control_v1_ListServicesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_ListServicesResponse__Output>): grpc.ClientUnaryCall;
  ListServices(argument: _shoal_control_v1_ListServicesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ListServicesResponse__Output>): grpc.ClientUnaryCall;
  ListServices(argument: _shoal_control_v1_ListServicesRequest, callback: grpc.requestCallback<_shoal_control_v1_ListServicesResponse__Output>): grpc.ClientUnaryCall;
  listServices(argument: _shoal_control_v1_ListServicesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ListServicesResponse__Output>): grpc.ClientUnaryCall;
  listServices(argument: _shoal_control_v1_ListServicesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_ListServicesResponse__Output>): grpc.ClientUnaryCall;
  listServices(argument: _shoal_control_v1_ListServicesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ListServicesResponse__Output>): grpc.ClientUnaryCall;
  listServices(argument: _shoal_control_v1_ListServicesRequest, callback: grpc.requestCallback<_shoal_control_v1_ListServicesResponse__Output>): grpc.ClientUnaryCall;
  
  ListTasks(argument: _shoal_control_v1_ListTasksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  ListTasks(argument: _shoal_control_v1_ListTasksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  ListTasks(argument: _shoal_control_v1_ListTasksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  ListTasks(argument: _shoal_control_v1_ListTasksRequest, callback: grpc.requestCallback<_shoal_control_v1_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  listTasks(argument: _shoal_control_v1_ListTasksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  listTasks(argument: _shoal_control_v1_ListTasksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  listTasks(argument: _shoal_control_v1_ListTasksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  listTasks(argument: _shoal_control_v1_ListTasksRequest, callback: grpc.requestCallback<_shoal_control_v1_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  
  Pipeline(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_shoal_control_v1_PipelinedCalls, _shoal_control_v1_PipelinedReplies__Output>;
  Pipeline(options?: grpc.CallOptions): grpc.ClientDuplexStream<_shoal_control_v1_PipelinedCalls, _shoal_control_v1_PipelinedReplies__Output>;
  pipeline(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_shoal_control_v1_PipelinedCalls, _shoal_control_v1_PipelinedReplies__Output>;
  pipeline(options?: grpc.CallOptions): grpc.ClientDuplexStream<_shoal_control_v1_PipelinedCalls, _shoal_control_v1_PipelinedReplies__Output>;
  
  PromoteNode(argument: _shoal_control_v1_NodeRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  PromoteNode(argument: _shoal_control_v1_NodeRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  PromoteNode(argument: _shoal_control_v1_NodeRef, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  PromoteNode(argument: _shoal_control_v1_NodeRef, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  promoteNode(argument: _shoal_control_v1_NodeRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  promoteNode(argument: _shoal_control_v1_NodeRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  promoteNode(argument: _shoal_control_v1_NodeRef, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  promoteNode(argument: _shoal_control_v1_NodeRef, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  
  RebalanceService(argument: _shoal_control_v1_ServiceRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  RebalanceService(argument: _shoal_control_v1_ServiceRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  RebalanceService(argument: _shoal_control_v1_ServiceRef, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  RebalanceService(argument: _shoal_control_v1_ServiceRef, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  rebalanceService(argument: _shoal_control_v1_ServiceRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  rebalanceService(argument: _shoal_control_v1_ServiceRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  rebalanceService(argument: _shoal_control_v1_ServiceRef, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  rebalanceService(argument: _shoal_control_v1_ServiceRef, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  
  RemoveNode(argument: _shoal_control_v1_RemoveNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _shoal_control_v1_RemoveNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _shoal_control_v1_RemoveNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _shoal_control_v1_RemoveNodeRequest, callback: grpc.requestCallback<_shoal_control_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _shoal_control_v1_RemoveNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _shoal_control_v1_RemoveNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _shoal_control_v1_RemoveNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _shoal_control_v1_RemoveNodeRequest, callback: grpc.requestCallback<_shoal_control_v1_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  
  RemoveService(argument: _shoal_control_v1_ServiceRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RemoveServiceResponse__Output>): grpc.ClientUnaryCall;
  RemoveService(argument: _shoal_control_v1_ServiceRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_RemoveServiceResponse__Output>): grpc.ClientUnaryCall;
  RemoveService(argument: _shoal_control_v1_ServiceRef, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RemoveServiceResponse__Output>): grpc.ClientUnaryCall;
  RemoveService(argument: _shoal_control_v1_ServiceRef, callback: grpc.requestCallback<_shoal_control_v1_RemoveServiceResponse__Output>): grpc.ClientUnaryCall;
  removeService(argument: _shoal_control_v1_ServiceRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RemoveServiceResponse__Output>): grpc.ClientUnaryCall;
  removeService(argument: _shoal_control_v1_ServiceRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_RemoveServiceResponse__Output>): grpc.ClientUnaryCall;
  removeService(argument: _shoal_control_v1_ServiceRef, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RemoveServiceResponse__Output>): grpc.ClientUnaryCall;
  removeService(argument: _shoal_control_v1_ServiceRef, callback: grpc.requestCallback<_shoal_control_v1_RemoveServiceResponse__Output>): grpc.ClientUnaryCall;
  
  RollbackService(argument: _shoal_control_v1_RollbackServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  RollbackService(argument: _shoal_control_v1_RollbackServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  RollbackService(argument: _shoal_control_v1_RollbackServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  RollbackService(argument: _shoal_control_v1_RollbackServiceRequest, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  rollbackService(argument: _shoal_control_v1_RollbackServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  rollbackService(argument: _shoal_control_v1_RollbackServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  rollbackService(argument: _shoal_control_v1_RollbackServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  rollbackService(argument: _shoal_control_v1_RollbackServiceRequest, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  
  ServiceLogs(argument: _shoal_control_v1_ServiceLogsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_shoal_control_v1_ServiceLogLine__Output>;
  ServiceLogs(argument: _shoal_control_v1_ServiceLogsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_shoal_control_v1_ServiceLogLine__Output>;
  serviceLogs(argument: _shoal_control_v1_ServiceLogsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_shoal_control_v1_ServiceLogLine__Output>;
  serviceLogs(argument: _shoal_control_v1_ServiceLogsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_shoal_control_v1_ServiceLogLine__Output>;
  
  UnlockKey(argument: _shoal_control_v1_UnlockKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_UnlockKeyResponse__Output>): grpc.ClientUnaryCall;
  UnlockKey(argument: _shoal_control_v1_UnlockKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_UnlockKeyResponse__Output>): grpc.ClientUnaryCall;
  UnlockKey(argument: _shoal_control_v1_UnlockKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_UnlockKeyResponse__Output>): grpc.ClientUnaryCall;
  UnlockKey(argument: _shoal_control_v1_UnlockKeyRequest, callback: grpc.requestCallback<_shoal_control_v1_UnlockKeyResponse__Output>): grpc.ClientUnaryCall;
  unlockKey(argument: _shoal_control_v1_UnlockKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_UnlockKeyResponse__Output>): grpc.ClientUnaryCall;
  unlockKey(argument: _shoal_control_v1_UnlockKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_UnlockKeyResponse__Output>): grpc.ClientUnaryCall;
  unlockKey(argument: _shoal_control_v1_UnlockKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_UnlockKeyResponse__Output>): grpc.ClientUnaryCall;
  unlockKey(argument: _shoal_control_v1_UnlockKeyRequest, callback: grpc.requestCallback<_shoal_control_v1_UnlockKeyResponse__Output>): grpc.ClientUnaryCall;
  
  UpdateCluster(argument: _shoal_control_v1_UpdateClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ClusterSettingsInfo__Output>): grpc.ClientUnaryCall;
  UpdateCluster(argument: _shoal_control_v1_UpdateClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_ClusterSettingsInfo__Output>): grpc.ClientUnaryCall;
  UpdateCluster(argument: _shoal_control_v1_UpdateClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ClusterSettingsInfo__Output>): grpc.ClientUnaryCall;
  UpdateCluster(argument: _shoal_control_v1_UpdateClusterRequest, callback: grpc.requestCallback<_shoal_control_v1_ClusterSettingsInfo__Output>): grpc.ClientUnaryCall;
  updateCluster(argument: _shoal_control_v1_UpdateClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ClusterSettingsInfo__Output>): grpc.ClientUnaryCall;
  updateCluster(argument: _shoal_control_v1_UpdateClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_ClusterSettingsInfo__Output>): grpc.ClientUnaryCall;
  updateCluster(argument: _shoal_control_v1_UpdateClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_ClusterSettingsInfo__Output>): grpc.ClientUnaryCall;
  updateCluster(argument: _shoal_control_v1_UpdateClusterRequest, callback: grpc.requestCallback<_shoal_control_v1_ClusterSettingsInfo__Output>): grpc.ClientUnaryCall;
  
  UpdateNode(argument: _shoal_control_v1_UpdateNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  UpdateNode(argument: _shoal_control_v1_UpdateNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  UpdateNode(argument: _shoal_control_v1_UpdateNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  UpdateNode(argument: _shoal_control_v1_UpdateNodeRequest, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  updateNode(argument: _shoal_control_v1_UpdateNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  updateNode(argument: _shoal_control_v1_UpdateNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  updateNode(argument: _shoal_control_v1_UpdateNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  updateNode(argument: _shoal_control_v1_UpdateNodeRequest, callback: grpc.requestCallback<_shoal_control_v1_Node__Output>): grpc.ClientUnaryCall;
  
  UpdateService(argument: _shoal_control_v1_UpdateServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  UpdateService(argument: _shoal_control_v1_UpdateServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  UpdateService(argument: _shoal_control_v1_UpdateServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  UpdateService(argument: _shoal_control_v1_UpdateServiceRequest, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  updateService(argument: _shoal_control_v1_UpdateServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  updateService(argument: _shoal_control_v1_UpdateServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  updateService(argument: _shoal_control_v1_UpdateServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  updateService(argument: _shoal_control_v1_UpdateServiceRequest, callback: grpc.requestCallback<_shoal_control_v1_Service__Output>): grpc.ClientUnaryCall;
  
}

export interface ControlHandlers extends grpc.UntypedServiceImplementation {
  AutoscaleService: grpc.handleUnaryCall<_shoal_control_v1_AutoscaleServiceRequest__Output, _shoal_control_v1_Service>;
  
  ClusterInfo: grpc.handleUnaryCall<_shoal_control_v1_ClusterInfoRequest__Output, _shoal_control_v1_ClusterInfoResponse>;
  
  CreateService: grpc.handleUnaryCall<_shoal_control_v1_CreateServiceRequest__Output, _shoal_control_v1_Service>;
  
  DemoteNode: grpc.handleUnaryCall<_shoal_control_v1_NodeRef__Output, _shoal_control_v1_Node>;
  
  GetNode: grpc.handleUnaryCall<_shoal_control_v1_NodeRef__Output, _shoal_control_v1_Node>;
  
  GetService: grpc.handleUnaryCall<_shoal_control_v1_ServiceRef__Output, _shoal_control_v1_Service>;
  
  JoinToken: grpc.handleUnaryCall<_shoal_control_v1_JoinTokenRequest__Output, _shoal_control_v1_JoinTokenResponse>;
  
  ListNodes: grpc.handleUnaryCall<_shoal_control_v1_ListNodesRequest__Output, _shoal_control_v1_ListNodesResponse>;
  
  ListServices: grpc.handleUnaryCall<_shoal_control_v1_ListServicesRequest__Output, _shoal_control_v1_ListServicesResponse>;
  
  ListTasks: grpc.handleUnaryCall<_shoal_control_v1_ListTasksRequest__Output, _shoal_control_v1_ListTasksResponse>;
  
  Pipeline: grpc.handleBidiStreamingCall<_shoal_control_v1_PipelinedCalls__Output, _shoal_control_v1_PipelinedReplies>;
  
  PromoteNode: grpc.handleUnaryCall<_shoal_control_v1_NodeRef__Output, _shoal_control_v1_Node>;
  
  RebalanceService: grpc.handleUnaryCall<_shoal_control_v1_ServiceRef__Output, _shoal_control_v1_Service>;
  
  RemoveNode: grpc.handleUnaryCall<_shoal_control_v1_RemoveNodeRequest__Output, _shoal_control_v1_RemoveNodeResponse>;
  
  RemoveService: grpc.handleUnaryCall<_shoal_control_v1_ServiceRef__Output, _shoal_control_v1_RemoveServiceResponse>;
  
  RollbackService: grpc.handleUnaryCall<_shoal_control_v1_RollbackServiceRequest__Output, _shoal_control_v1_Service>;
  
  ServiceLogs: grpc.handleServerStreamingCall<_shoal_control_v1_ServiceLogsRequest__Output, _shoal_control_v1_ServiceLogLine>;
  
  UnlockKey: grpc.handleUnaryCall<_shoal_control_v1_UnlockKeyRequest__Output, _shoal_control_v1_UnlockKeyResponse>;
  
  UpdateCluster: grpc.handleUnaryCall<_shoal_control_v1_UpdateClusterRequest__Output, _shoal_control_v1_ClusterSettingsInfo>;
  
  UpdateNode: grpc.handleUnaryCall<_shoal_control_v1_UpdateNodeRequest__Output, _shoal_control_v1_Node>;
  
  UpdateService: grpc.handleUnaryCall<_shoal_control_v1_UpdateServiceRequest__Output, _shoal_control_v1_Service>;
  
}

export interface ControlDefinition extends grpc.ServiceDefinition {
  AutoscaleService: MethodDefinition<_shoal_control_v1_AutoscaleServiceRequest, _shoal_control_v1_Service, _shoal_control_v1_AutoscaleServiceRequest__Output, _shoal_control_v1_Service__Output>
  ClusterInfo: MethodDefinition<_shoal_control_v1_ClusterInfoRequest, _shoal_control_v1_ClusterInfoResponse, _shoal_control_v1_ClusterInfoRequest__Output, _shoal_control_v1_ClusterInfoResponse__Output>
  CreateService: MethodDefinition<_shoal_control_v1_CreateServiceRequest, _shoal_control_v1_Service, _shoal_control_v1_CreateServiceRequest__Output, _shoal_control_v1_Service__Output>
  DemoteNode: MethodDefinition<_shoal_control_v1_NodeRef, _shoal_control_v1_Node, _shoal_control_v1_NodeRef__Output, _shoal_control_v1_Node__Output>
  GetNode: MethodDefinition<_shoal_control_v1_NodeRef, _shoal_control_v1_Node, _shoal_control_v1_NodeRef__Output, _shoal_control_v1_Node__Output>
  GetService: MethodDefinition<_shoal_control_v1_ServiceRef, _shoal_control_v1_Service, _shoal_control_v1_ServiceRef__Output, _shoal_control_v1_Service__Output>
  JoinToken: MethodDefinition<_shoal_control_v1_JoinTokenRequest, _shoal_control_v1_JoinTokenResponse, _shoal_control_v1_JoinTokenRequest__Output, _shoal_control_v1_JoinTokenResponse__Output>
  ListNodes: MethodDefinition<_shoal_control_v1_ListNodesRequest, _shoal_control_v1_ListNodesResponse, _shoal_control_v1_ListNodesRequest__Output, _shoal_control_v1_ListNodesResponse__Output>
  ListServices: MethodDefinition<_shoal_control_v1_ListServicesRequest, _shoal_control_v1_ListServicesResponse, _shoal_control_v1_ListServicesRequest__Output, _shoal_control_v1_ListServicesResponse__Output>
  ListTasks: MethodDefinition<_shoal_control_v1_ListTasksRequest, _shoal_control_v1_ListTasksResponse, _shoal_control_v1_ListTasksRequest__Output, _shoal_control_v1_ListTasksResponse__Output>
  Pipeline: MethodDefinition<_shoal_control_v1_PipelinedCalls, _shoal_control_v1_PipelinedReplies, _shoal_control_v1_PipelinedCalls__Output, _shoal_control_v1_PipelinedReplies__Output>
  PromoteNode: MethodDefinition<_shoal_control_v1_NodeRef, _shoal_control_v1_Node, _shoal_control_v1_NodeRef__Output, _shoal_control_v1_Node__Output>
  RebalanceService: MethodDefinition<_shoal_control_v1_ServiceRef, _shoal_control_v1_Service, _shoal_control_v1_ServiceRef__Output, _shoal_control_v1_Service__Output>
  RemoveNode: MethodDefinition<_shoal_control_v1_RemoveNodeRequest, _shoal_control_v1_RemoveNodeResponse, _shoal_control_v1_RemoveNodeRequest__Output, _shoal_control_v1_RemoveNodeResponse__Output>
  RemoveService: MethodDefinition<_shoal_control_v1_ServiceRef, _shoal_control_v1_RemoveServiceResponse, _shoal_control_v1_ServiceRef__Output, _shoal_control_v1_RemoveServiceResponse__Output>
  RollbackService: MethodDefinition<_shoal_control_v1_RollbackServiceRequest, _shoal_control_v1_Service, _shoal_control_v1_RollbackServiceRequest__Output, _shoal_control_v1_Service__Output>
  ServiceLogs: MethodDefinition<_shoal_control_v1_ServiceLogsRequest, _shoal_control_v1_ServiceLogLine, _shoal_control_v1_ServiceLogsRequest__Output, _shoal_control_v1_ServiceLogLine__Output>
  UnlockKey: MethodDefinition<_shoal_control_v1_UnlockKeyRequest, _shoal_control_v1_UnlockKeyResponse, _shoal_control_v1_UnlockKeyRequest__Output, _shoal_control_v1_UnlockKeyResponse__Output>
  UpdateCluster: MethodDefinition<_shoal_control_v1_UpdateClusterRequest, _shoal_control_v1_ClusterSettingsInfo, _shoal_control_v1_UpdateClusterRequest__Output, _shoal_control_v1_ClusterSettingsInfo__Output>
  UpdateNode: MethodDefinition<_shoal_control_v1_UpdateNodeRequest, _shoal_control_v1_Node, _shoal_control_v1_UpdateNodeRequest__Output, _shoal_control_v1_Node__Output>
  UpdateService: MethodDefinition<_shoal_control_v1_UpdateServiceRequest, _shoal_control_v1_Service, _shoal_control_v1_UpdateServiceRequest__Output, _shoal_control_v1_Service__Output>
}
