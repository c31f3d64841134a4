// The wire contracts in proto/, loaded for @grpc/grpc-js, with the TypeScript types generated
// from them (`npm run proto` regenerates src/gen/). 64-bit numbers arrive as strings, enums as
// their names, and omitted fields as defaults.

import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as ControlProto } from './gen/control.js';
import type { ProtoGrpcType as DispatcherProto } from './gen/dispatcher.js';
import type { ProtoGrpcType as RaftProto } from './gen/raft.js';

/** proto/ at the repository root; the same relative path from src/ and dist/. */
export const PROTO_DIR = fileURLToPath(new URL('../../../proto/', import.meta.url));

export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

const definitions: protoLoader.PackageDefinition[] = [];

function load<T>(file: string): T {
  const definition = protoLoader.loadSync(file, LOADER_OPTIONS);
  definitions.push(definition);
  return grpc.loadPackageDefinition(definition) as unknown as T;
}

/**
 * Makes protobufjs generate every message's codec now rather than on its first use. It does
 * that lazily, type by type, and the first burst of real traffic (a big deployment reaching 50
 * agents at once) would otherwise pay for it, in every process at the same moment. Servers call
 * this at start (tens of ms); the CLI does not.
 */
export function warmWireCodecs(): void {
  raftProto();
  controlProto();
  dispatcherProto();
  for (const definition of definitions) {
    for (const entry of Object.values(definition)) {
      const type = entry as Partial<protoLoader.MessageTypeDefinition<object, object>>;
      if (type.serialize && type.deserialize) type.deserialize(type.serialize({}));
    }
  }
}

let raft: RaftProto | undefined;
let control: ControlProto | undefined;
let dispatcher: DispatcherProto | undefined;

export function raftProto(): RaftProto['shoal']['raft']['v1'] {
  raft ??= load<RaftProto>('raft.proto');
  return raft.shoal.raft.v1;
}

export function controlProto(): ControlProto['shoal']['control']['v1'] {
  control ??= load<ControlProto>('control.proto');
  return control.shoal.control.v1;
}

export function dispatcherProto(): DispatcherProto['shoal']['dispatcher']['v1'] {
  dispatcher ??= load<DispatcherProto>('dispatcher.proto');
  return dispatcher.shoal.dispatcher.v1;
}

/**
 * Largest gRPC message either side sends or accepts, set on every server and client: a bigger
 * one fails at once with RESOURCE_EXHAUSTED naming both sizes (never a hang). One manager
 * port serves Raft, control and dispatcher traffic, and grpc-js sets the limit per server, so
 * it is one limit for all: what it must fit is a Raft batch (appends in flight to a follower
 * are bounded to 8 MiB, entries to 1 MiB, snapshot chunks to 1 MiB), `service ps` of a
 * 10,000-replica service with its history (~9 MB) and a node's full set of assignments.
 * Requests are bounded far lower by their own rules (a service spec: 256 KiB).
 */
export const MAX_MESSAGE_BYTES = 16 << 20;

/**
 * Control.Pipeline batches the calls (and replies) of one event-loop turn into one message; a
 * batch whose payload passes this many bytes leaves at once, well under MAX_MESSAGE_BYTES.
 */
export const PIPELINE_BATCH_BYTES = 1 << 20;
export { EndOfTurn } from './end-of-turn.js';
export { countFieldEntries, isOverLimit, limitRepeatedField, type OverLimit } from './message-limits.js';
export { TurnBatcher } from './turn-batcher.js';
export { errorMetadata, readErrorCode, readLeaderAddr } from './error-metadata.js';
export {
  assignedTaskFromWire,
  assignedTaskToWire,
  serviceSpecFromWire,
  serviceSpecInputFromWire,
  serviceSpecToWire,
  updateStatusToWire,
  type UpdateProgress,
} from './domain-shapes.js';
export { autoscaleDecisionToWire, autoscaleInputFromWire, autoscaleInputToWire, autoscaleToWire } from './domain-shapes.js';
export type { AutoscaleConfig as WireAutoscaleConfig, AutoscaleConfig__Output as WireAutoscaleConfig__Output } from './gen/shoal/control/v1/AutoscaleConfig.js';
export type { ControlMethod, RequestOf, ResponseOf } from './control-methods.js';

/**
 * Options for every shoal gRPC client. Channelz bookkeeping and transparent retries cost
 * grpc-js a third of its per-call CPU (measured: a trivial echo goes from ~3,000 to ~4,000
 * calls/s on 2 cores); shoal retries on its own terms (failover, leader following).
 */
export const CLIENT_OPTIONS: grpc.ChannelOptions = {
  'grpc.enable_channelz': 0,
  'grpc.enable_retries': 0,
  // HTTP/2's default 64 KiB window stalls a connection carrying many concurrent calls (or a
  // Raft stream) until the peer's WINDOW_UPDATE arrives.
  'grpc-node.flow_control_window': 8 << 20,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
};

/**
 * Streams (calls in progress) one client connection may hold open on a server at once. Node's
 * default is about 4 billion: a client could open streams and send nothing until the server's
 * memory runs out (each costs ~10 KiB). Far above what shoal's clients use (a Raft stream, a
 * worker's session and its calls, a CLI's pipelined calls); a client over it waits for a free
 * stream, it is not refused.
 */
export const MAX_CONCURRENT_STREAMS = 1000;

/** Options for every shoal gRPC server (see CLIENT_OPTIONS). */
export const SERVER_OPTIONS: grpc.ServerOptions = {
  'grpc.enable_channelz': 0,
  'grpc.max_concurrent_streams': MAX_CONCURRENT_STREAMS,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
};

export type { RaftTransportClient, RaftTransportHandlers } from './gen/shoal/raft/v1/RaftTransport.js';
export type { Batch, Batch__Output } from './gen/shoal/raft/v1/Batch.js';
export type { Envelope, Envelope__Output } from './gen/shoal/raft/v1/Envelope.js';
export type { Message as WireMessage, Message__Output as WireMessage__Output } from './gen/shoal/raft/v1/Message.js';
export type { Entry as WireEntry, Entry__Output as WireEntry__Output } from './gen/shoal/raft/v1/Entry.js';
export type { SnapshotChunk as WireSnapshotChunk, SnapshotChunk__Output as WireSnapshotChunk__Output } from './gen/shoal/raft/v1/SnapshotChunk.js';
export type { SnapshotMeta as WireSnapshotMeta, SnapshotMeta__Output as WireSnapshotMeta__Output } from './gen/shoal/raft/v1/SnapshotMeta.js';
export type { MessageType as WireMessageType, MessageType__Output as WireMessageType__Output } from './gen/shoal/raft/v1/MessageType.js';

export type { ControlClient, ControlHandlers } from './gen/shoal/control/v1/Control.js';
export type { PipelinedCall, PipelinedCall__Output } from './gen/shoal/control/v1/PipelinedCall.js';
export type { PipelinedReply, PipelinedReply__Output } from './gen/shoal/control/v1/PipelinedReply.js';
export type { PipelinedCalls, PipelinedCalls__Output } from './gen/shoal/control/v1/PipelinedCalls.js';
export type { PipelinedReplies, PipelinedReplies__Output } from './gen/shoal/control/v1/PipelinedReplies.js';
export type { JoinClient, JoinHandlers } from './gen/shoal/control/v1/Join.js';
export type { CertificateAuthorityClient, CertificateAuthorityHandlers } from './gen/shoal/control/v1/CertificateAuthority.js';
export type { RenewCertificateRequest, RenewCertificateRequest__Output } from './gen/shoal/control/v1/RenewCertificateRequest.js';
export type { RenewCertificateResponse, RenewCertificateResponse__Output } from './gen/shoal/control/v1/RenewCertificateResponse.js';
export type { CaStatusRequest, CaStatusRequest__Output } from './gen/shoal/control/v1/CaStatusRequest.js';
export type { CaStatusResponse, CaStatusResponse__Output } from './gen/shoal/control/v1/CaStatusResponse.js';
export type { CaRotationNode, CaRotationNode__Output } from './gen/shoal/control/v1/CaRotationNode.js';
export type { UpdateClusterRequest, UpdateClusterRequest__Output } from './gen/shoal/control/v1/UpdateClusterRequest.js';
export type { ClusterSettingsInfo, ClusterSettingsInfo__Output } from './gen/shoal/control/v1/ClusterSettingsInfo.js';
export type { Node as WireNode, Node__Output as WireNode__Output } from './gen/shoal/control/v1/Node.js';
export type { ClusterInfoResponse, ClusterInfoResponse__Output } from './gen/shoal/control/v1/ClusterInfoResponse.js';
export type { ManagerInfo, ManagerInfo__Output } from './gen/shoal/control/v1/ManagerInfo.js';
export type { ListNodesResponse, ListNodesResponse__Output } from './gen/shoal/control/v1/ListNodesResponse.js';
export type { NodeRef, NodeRef__Output } from './gen/shoal/control/v1/NodeRef.js';
export type { UpdateNodeRequest, UpdateNodeRequest__Output } from './gen/shoal/control/v1/UpdateNodeRequest.js';
export type { RemoveNodeRequest, RemoveNodeRequest__Output } from './gen/shoal/control/v1/RemoveNodeRequest.js';
export type { JoinTokenRequest, JoinTokenRequest__Output } from './gen/shoal/control/v1/JoinTokenRequest.js';
export type { JoinTokenResponse, JoinTokenResponse__Output } from './gen/shoal/control/v1/JoinTokenResponse.js';
export type { UnlockKeyRequest, UnlockKeyRequest__Output } from './gen/shoal/control/v1/UnlockKeyRequest.js';
export type { UnlockKeyResponse, UnlockKeyResponse__Output } from './gen/shoal/control/v1/UnlockKeyResponse.js';
export type { JoinRequest, JoinRequest__Output } from './gen/shoal/control/v1/JoinRequest.js';
export type { JoinResponse, JoinResponse__Output } from './gen/shoal/control/v1/JoinResponse.js';
export type { ClusterInfoRequest, ClusterInfoRequest__Output } from './gen/shoal/control/v1/ClusterInfoRequest.js';
export type { ListNodesRequest, ListNodesRequest__Output } from './gen/shoal/control/v1/ListNodesRequest.js';
export type { ManagerStatus, ManagerStatus__Output } from './gen/shoal/control/v1/ManagerStatus.js';

export type { DispatcherClient, DispatcherHandlers } from './gen/shoal/dispatcher/v1/Dispatcher.js';
export type { WorkerMessage, WorkerMessage__Output } from './gen/shoal/dispatcher/v1/WorkerMessage.js';
export type { ManagerMessage, ManagerMessage__Output } from './gen/shoal/dispatcher/v1/ManagerMessage.js';
export type { TaskReport, TaskReport__Output } from './gen/shoal/dispatcher/v1/TaskReport.js';
export type { Assignment, Assignment__Output } from './gen/shoal/dispatcher/v1/Assignment.js';
export type { Assignments, Assignments__Output } from './gen/shoal/dispatcher/v1/Assignments.js';
export type { Hello, Hello__Output } from './gen/shoal/dispatcher/v1/Hello.js';
export type { LogChunk, LogChunk__Output } from './gen/shoal/dispatcher/v1/LogChunk.js';
export type { LogsRequest, LogsRequest__Output } from './gen/shoal/dispatcher/v1/LogsRequest.js';
export type { Service as WireService, Service__Output as WireService__Output } from './gen/shoal/control/v1/Service.js';
export type { Task as WireTask, Task__Output as WireTask__Output } from './gen/shoal/control/v1/Task.js';
export type { Task as WireAssignedTask, Task__Output as WireAssignedTask__Output } from './gen/shoal/dispatcher/v1/Task.js';
export type { ServiceSpec as WireServiceSpec, ServiceSpec__Output as WireServiceSpec__Output } from './gen/shoal/spec/v1/ServiceSpec.js';
export type { TaskSpec as WireTaskSpec, TaskSpec__Output as WireTaskSpec__Output } from './gen/shoal/spec/v1/TaskSpec.js';
export type { ControlDefinition } from './gen/shoal/control/v1/Control.js';
export type { ListTasksResponse, ListTasksResponse__Output } from './gen/shoal/control/v1/ListTasksResponse.js';
export type { ListServicesResponse, ListServicesResponse__Output } from './gen/shoal/control/v1/ListServicesResponse.js';
export type { ServiceLogLine, ServiceLogLine__Output } from './gen/shoal/control/v1/ServiceLogLine.js';
export type { ServiceLogsRequest, ServiceLogsRequest__Output } from './gen/shoal/control/v1/ServiceLogsRequest.js';
export type { RoutingTable, RoutingTable__Output } from './gen/shoal/dispatcher/v1/RoutingTable.js';
export type { PublishStatus, PublishStatus__Output } from './gen/shoal/dispatcher/v1/PublishStatus.js';
export type { Heartbeat, Heartbeat__Output } from './gen/shoal/dispatcher/v1/Heartbeat.js';
export type { TaskLoad as WireTaskLoad, TaskLoad__Output as WireTaskLoad__Output } from './gen/shoal/dispatcher/v1/TaskLoad.js';
export type { PublishError as WirePublishError, PublishError__Output as WirePublishError__Output } from './gen/shoal/control/v1/PublishError.js';
