import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AutoscaleConfig as _shoal_control_v1_AutoscaleConfig, AutoscaleConfig__Output as _shoal_control_v1_AutoscaleConfig__Output } from './shoal/control/v1/AutoscaleConfig.js';
import type { AutoscaleDecision as _shoal_control_v1_AutoscaleDecision, AutoscaleDecision__Output as _shoal_control_v1_AutoscaleDecision__Output } from './shoal/control/v1/AutoscaleDecision.js';
import type { AutoscaleServiceRequest as _shoal_control_v1_AutoscaleServiceRequest, AutoscaleServiceRequest__Output as _shoal_control_v1_AutoscaleServiceRequest__Output } from './shoal/control/v1/AutoscaleServiceRequest.js';
import type { AutoscaleStatus as _shoal_control_v1_AutoscaleStatus, AutoscaleStatus__Output as _shoal_control_v1_AutoscaleStatus__Output } from './shoal/control/v1/AutoscaleStatus.js';
import type { CaRotationNode as _shoal_control_v1_CaRotationNode, CaRotationNode__Output as _shoal_control_v1_CaRotationNode__Output } from './shoal/control/v1/CaRotationNode.js';
import type { CaStatusRequest as _shoal_control_v1_CaStatusRequest, CaStatusRequest__Output as _shoal_control_v1_CaStatusRequest__Output } from './shoal/control/v1/CaStatusRequest.js';
import type { CaStatusResponse as _shoal_control_v1_CaStatusResponse, CaStatusResponse__Output as _shoal_control_v1_CaStatusResponse__Output } from './shoal/control/v1/CaStatusResponse.js';
import type { CertificateAuthorityClient as _shoal_control_v1_CertificateAuthorityClient, CertificateAuthorityDefinition as _shoal_control_v1_CertificateAuthorityDefinition } from './shoal/control/v1/CertificateAuthority.js';
import type { ClusterInfoRequest as _shoal_control_v1_ClusterInfoRequest, ClusterInfoRequest__Output as _shoal_control_v1_ClusterInfoRequest__Output } from './shoal/control/v1/ClusterInfoRequest.js';
import type { ClusterInfoResponse as _shoal_control_v1_ClusterInfoResponse, ClusterInfoResponse__Output as _shoal_control_v1_ClusterInfoResponse__Output } from './shoal/control/v1/ClusterInfoResponse.js';
import type { ClusterSettingsInfo as _shoal_control_v1_ClusterSettingsInfo, ClusterSettingsInfo__Output as _shoal_control_v1_ClusterSettingsInfo__Output } from './shoal/control/v1/ClusterSettingsInfo.js';
import type { ControlClient as _shoal_control_v1_ControlClient, ControlDefinition as _shoal_control_v1_ControlDefinition } from './shoal/control/v1/Control.js';
import type { CreateServiceRequest as _shoal_control_v1_CreateServiceRequest, CreateServiceRequest__Output as _shoal_control_v1_CreateServiceRequest__Output } from './shoal/control/v1/CreateServiceRequest.js';
import type { JoinClient as _shoal_control_v1_JoinClient, JoinDefinition as _shoal_control_v1_JoinDefinition } from './shoal/control/v1/Join.js';
import type { JoinRequest as _shoal_control_v1_JoinRequest, JoinRequest__Output as _shoal_control_v1_JoinRequest__Output } from './shoal/control/v1/JoinRequest.js';
import type { JoinResponse as _shoal_control_v1_JoinResponse, JoinResponse__Output as _shoal_control_v1_JoinResponse__Output } from './shoal/control/v1/JoinResponse.js';
import type { JoinTokenRequest as _shoal_control_v1_JoinTokenRequest, JoinTokenRequest__Output as _shoal_control_v1_JoinTokenRequest__Output } from './shoal/control/v1/JoinTokenRequest.js';
import type { JoinTokenResponse as _shoal_control_v1_JoinTokenResponse, JoinTokenResponse__Output as _shoal_control_v1_JoinTokenResponse__Output } from './shoal/control/v1/JoinTokenResponse.js';
import type { ListNodesRequest as _shoal_control_v1_ListNodesRequest, ListNodesRequest__Output as _shoal_control_v1_ListNodesRequest__Output } from './shoal/control/v1/ListNodesRequest.js';
import type { ListNodesResponse as _shoal_control_v1_ListNodesResponse, ListNodesResponse__Output as _shoal_control_v1_ListNodesResponse__Output } from './shoal/control/v1/ListNodesResponse.js';
import type { ListServicesRequest as _shoal_control_v1_ListServicesRequest, ListServicesRequest__Output as _shoal_control_v1_ListServicesRequest__Output } from './shoal/control/v1/ListServicesRequest.js';
import type { ListServicesResponse as _shoal_control_v1_ListServicesResponse, ListServicesResponse__Output as _shoal_control_v1_ListServicesResponse__Output } from './shoal/control/v1/ListServicesResponse.js';
import type { ListTasksRequest as _shoal_control_v1_ListTasksRequest, ListTasksRequest__Output as _shoal_control_v1_ListTasksRequest__Output } from './shoal/control/v1/ListTasksRequest.js';
import type { ListTasksResponse as _shoal_control_v1_ListTasksResponse, ListTasksResponse__Output as _shoal_control_v1_ListTasksResponse__Output } from './shoal/control/v1/ListTasksResponse.js';
import type { ManagerInfo as _shoal_control_v1_ManagerInfo, ManagerInfo__Output as _shoal_control_v1_ManagerInfo__Output } from './shoal/control/v1/ManagerInfo.js';
import type { ManagerStatus as _shoal_control_v1_ManagerStatus, ManagerStatus__Output as _shoal_control_v1_ManagerStatus__Output } from './shoal/control/v1/ManagerStatus.js';
import type { Node as _shoal_control_v1_Node, Node__Output as _shoal_control_v1_Node__Output } from './shoal/control/v1/Node.js';
import type { NodeRef as _shoal_control_v1_NodeRef, NodeRef__Output as _shoal_control_v1_NodeRef__Output } from './shoal/control/v1/NodeRef.js';
import type { PeerManager as _shoal_control_v1_PeerManager, PeerManager__Output as _shoal_control_v1_PeerManager__Output } from './shoal/control/v1/PeerManager.js';
import type { PipelinedCall as _shoal_control_v1_PipelinedCall, PipelinedCall__Output as _shoal_control_v1_PipelinedCall__Output } from './shoal/control/v1/PipelinedCall.js';
import type { PipelinedCalls as _shoal_control_v1_PipelinedCalls, PipelinedCalls__Output as _shoal_control_v1_PipelinedCalls__Output } from './shoal/control/v1/PipelinedCalls.js';
import type { PipelinedReplies as _shoal_control_v1_PipelinedReplies, PipelinedReplies__Output as _shoal_control_v1_PipelinedReplies__Output } from './shoal/control/v1/PipelinedReplies.js';
import type { PipelinedReply as _shoal_control_v1_PipelinedReply, PipelinedReply__Output as _shoal_control_v1_PipelinedReply__Output } from './shoal/control/v1/PipelinedReply.js';
import type { PublishError as _shoal_control_v1_PublishError, PublishError__Output as _shoal_control_v1_PublishError__Output } from './shoal/control/v1/PublishError.js';
import type { RaftSettings as _shoal_control_v1_RaftSettings, RaftSettings__Output as _shoal_control_v1_RaftSettings__Output } from './shoal/control/v1/RaftSettings.js';
import type { ReadOptions as _shoal_control_v1_ReadOptions, ReadOptions__Output as _shoal_control_v1_ReadOptions__Output } from './shoal/control/v1/ReadOptions.js';
import type { RemoveNodeRequest as _shoal_control_v1_RemoveNodeRequest, RemoveNodeRequest__Output as _shoal_control_v1_RemoveNodeRequest__Output } from './shoal/control/v1/RemoveNodeRequest.js';
import type { RemoveNodeResponse as _shoal_control_v1_RemoveNodeResponse, RemoveNodeResponse__Output as _shoal_control_v1_RemoveNodeResponse__Output } from './shoal/control/v1/RemoveNodeResponse.js';
import type { RemoveServiceResponse as _shoal_control_v1_RemoveServiceResponse, RemoveServiceResponse__Output as _shoal_control_v1_RemoveServiceResponse__Output } from './shoal/control/v1/RemoveServiceResponse.js';
import type { RenewCertificateRequest as _shoal_control_v1_RenewCertificateRequest, RenewCertificateRequest__Output as _shoal_control_v1_RenewCertificateRequest__Output } from './shoal/control/v1/RenewCertificateRequest.js';
import type { RenewCertificateResponse as _shoal_control_v1_RenewCertificateResponse, RenewCertificateResponse__Output as _shoal_control_v1_RenewCertificateResponse__Output } from './shoal/control/v1/RenewCertificateResponse.js';
import type { Resources as _shoal_control_v1_Resources, Resources__Output as _shoal_control_v1_Resources__Output } from './shoal/control/v1/Resources.js';
import type { RollbackServiceRequest as _shoal_control_v1_RollbackServiceRequest, RollbackServiceRequest__Output as _shoal_control_v1_RollbackServiceRequest__Output } from './shoal/control/v1/RollbackServiceRequest.js';
import type { Service as _shoal_control_v1_Service, Service__Output as _shoal_control_v1_Service__Output } from './shoal/control/v1/Service.js';
import type { ServiceLogLine as _shoal_control_v1_ServiceLogLine, ServiceLogLine__Output as _shoal_control_v1_ServiceLogLine__Output } from './shoal/control/v1/ServiceLogLine.js';
import type { ServiceLogsRequest as _shoal_control_v1_ServiceLogsRequest, ServiceLogsRequest__Output as _shoal_control_v1_ServiceLogsRequest__Output } from './shoal/control/v1/ServiceLogsRequest.js';
import type { ServiceRef as _shoal_control_v1_ServiceRef, ServiceRef__Output as _shoal_control_v1_ServiceRef__Output } from './shoal/control/v1/ServiceRef.js';
import type { Task as _shoal_control_v1_Task, Task__Output as _shoal_control_v1_Task__Output } from './shoal/control/v1/Task.js';
import type { UnlockKeyRequest as _shoal_control_v1_UnlockKeyRequest, UnlockKeyRequest__Output as _shoal_control_v1_UnlockKeyRequest__Output } from './shoal/control/v1/UnlockKeyRequest.js';
import type { UnlockKeyResponse as _shoal_control_v1_UnlockKeyResponse, UnlockKeyResponse__Output as _shoal_control_v1_UnlockKeyResponse__Output } from './shoal/control/v1/UnlockKeyResponse.js';
import type { UpdateClusterRequest as _shoal_control_v1_UpdateClusterRequest, UpdateClusterRequest__Output as _shoal_control_v1_UpdateClusterRequest__Output } from './shoal/control/v1/UpdateClusterRequest.js';
import type { UpdateNodeRequest as _shoal_control_v1_UpdateNodeRequest, UpdateNodeRequest__Output as _shoal_control_v1_UpdateNodeRequest__Output } from './shoal/control/v1/UpdateNodeRequest.js';
import type { UpdateServiceRequest as _shoal_control_v1_UpdateServiceRequest, UpdateServiceRequest__Output as _shoal_control_v1_UpdateServiceRequest__Output } from './shoal/control/v1/UpdateServiceRequest.js';
import type { UpdateStatus as _shoal_control_v1_UpdateStatus, UpdateStatus__Output as _shoal_control_v1_UpdateStatus__Output } from './shoal/control/v1/UpdateStatus.js';
import type { HealthCheck as _shoal_spec_v1_HealthCheck, HealthCheck__Output as _shoal_spec_v1_HealthCheck__Output } from './shoal/spec/v1/HealthCheck.js';
import type { HealthTest as _shoal_spec_v1_HealthTest, HealthTest__Output as _shoal_spec_v1_HealthTest__Output } from './shoal/spec/v1/HealthTest.js';
import type { Placement as _shoal_spec_v1_Placement, Placement__Output as _shoal_spec_v1_Placement__Output } from './shoal/spec/v1/Placement.js';
import type { PortList as _shoal_spec_v1_PortList, PortList__Output as _shoal_spec_v1_PortList__Output } from './shoal/spec/v1/PortList.js';
import type { PortSpec as _shoal_spec_v1_PortSpec, PortSpec__Output as _shoal_spec_v1_PortSpec__Output } from './shoal/spec/v1/PortSpec.js';
import type { ResourceAmounts as _shoal_spec_v1_ResourceAmounts, ResourceAmounts__Output as _shoal_spec_v1_ResourceAmounts__Output } from './shoal/spec/v1/ResourceAmounts.js';
import type { RestartPolicy as _shoal_spec_v1_RestartPolicy, RestartPolicy__Output as _shoal_spec_v1_RestartPolicy__Output } from './shoal/spec/v1/RestartPolicy.js';
import type { ServiceSpec as _shoal_spec_v1_ServiceSpec, ServiceSpec__Output as _shoal_spec_v1_ServiceSpec__Output } from './shoal/spec/v1/ServiceSpec.js';
import type { SpreadList as _shoal_spec_v1_SpreadList, SpreadList__Output as _shoal_spec_v1_SpreadList__Output } from './shoal/spec/v1/SpreadList.js';
import type { SpreadPreference as _shoal_spec_v1_SpreadPreference, SpreadPreference__Output as _shoal_spec_v1_SpreadPreference__Output } from './shoal/spec/v1/SpreadPreference.js';
import type { StringList as _shoal_spec_v1_StringList, StringList__Output as _shoal_spec_v1_StringList__Output } from './shoal/spec/v1/StringList.js';
import type { StringMap as _shoal_spec_v1_StringMap, StringMap__Output as _shoal_spec_v1_StringMap__Output } from './shoal/spec/v1/StringMap.js';
import type { TaskResources as _shoal_spec_v1_TaskResources, TaskResources__Output as _shoal_spec_v1_TaskResources__Output } from './shoal/spec/v1/TaskResources.js';
import type { TaskSpec as _shoal_spec_v1_TaskSpec, TaskSpec__Output as _shoal_spec_v1_TaskSpec__Output } from './shoal/spec/v1/TaskSpec.js';
import type { UpdateConfig as _shoal_spec_v1_UpdateConfig, UpdateConfig__Output as _shoal_spec_v1_UpdateConfig__Output } from './shoal/spec/v1/UpdateConfig.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  shoal: {
    control: {
      v1: {
        AutoscaleConfig: MessageTypeDefinition<_shoal_control_v1_AutoscaleConfig, _shoal_control_v1_AutoscaleConfig__Output>
        AutoscaleDecision: MessageTypeDefinition<_shoal_control_v1_AutoscaleDecision, _shoal_control_v1_AutoscaleDecision__Output>
        AutoscaleServiceRequest: MessageTypeDefinition<_shoal_control_v1_AutoscaleServiceRequest, _shoal_control_v1_AutoscaleServiceRequest__Output>
        AutoscaleStatus: MessageTypeDefinition<_shoal_control_v1_AutoscaleStatus, _shoal_control_v1_AutoscaleStatus__Output>
        CaRotationNode: MessageTypeDefinition<_shoal_control_v1_CaRotationNode, _shoal_control_v1_CaRotationNode__Output>
        CaStatusRequest: MessageTypeDefinition<_shoal_control_v1_CaStatusRequest, _shoal_control_v1_CaStatusRequest__Output>
        CaStatusResponse: MessageTypeDefinition<_shoal_control_v1_CaStatusResponse, _shoal_control_v1_CaStatusResponse__Output>
        CertificateAuthority: SubtypeConstructor<typeof grpc.Client, _shoal_control_v1_CertificateAuthorityClient> & { service: _shoal_control_v1_CertificateAuthorityDefinition }
        ClusterInfoRequest: MessageTypeDefinition<_shoal_control_v1_ClusterInfoRequest, _shoal_control_v1_ClusterInfoRequest__Output>
        ClusterInfoResponse: MessageTypeDefinition<_shoal_control_v1_ClusterInfoResponse, _shoal_control_v1_ClusterInfoResponse__Output>
        ClusterSettingsInfo: MessageTypeDefinition<_shoal_control_v1_ClusterSettingsInfo, _shoal_control_v1_ClusterSettingsInfo__Output>
        Control: SubtypeConstructor<typeof grpc.Client, _shoal_control_v1_ControlClient> & { service: _shoal_control_v1_ControlDefinition }
        CreateServiceRequest: MessageTypeDefinition<_shoal_control_v1_CreateServiceRequest, _shoal_control_v1_CreateServiceRequest__Output>
        Join: SubtypeConstructor<typeof grpc.Client, _shoal_control_v1_JoinClient> & { service: _shoal_control_v1_JoinDefinition }
        JoinRequest: MessageTypeDefinition<_shoal_control_v1_JoinRequest, _shoal_control_v1_JoinRequest__Output>
        JoinResponse: MessageTypeDefinition<_shoal_control_v1_JoinResponse, _shoal_control_v1_JoinResponse__Output>
        JoinTokenRequest: MessageTypeDefinition<_shoal_control_v1_JoinTokenRequest, _shoal_control_v1_JoinTokenRequest__Output>
        JoinTokenResponse: MessageTypeDefinition<_shoal_control_v1_JoinTokenResponse, _shoal_control_v1_JoinTokenResponse__Output>
        ListNodesRequest: MessageTypeDefinition<_shoal_control_v1_ListNodesRequest, _shoal_control_v1_ListNodesRequest__Output>
        ListNodesResponse: MessageTypeDefinition<_shoal_control_v1_ListNodesResponse, _shoal_control_v1_ListNodesResponse__Output>
        ListServicesRequest: MessageTypeDefinition<_shoal_control_v1_ListServicesRequest, _shoal_control_v1_ListServicesRequest__Output>
        ListServicesResponse: MessageTypeDefinition<_shoal_control_v1_ListServicesResponse, _shoal_control_v1_ListServicesResponse__Output>
        ListTasksRequest: MessageTypeDefinition<_shoal_control_v1_ListTasksRequest, _shoal_control_v1_ListTasksRequest__Output>
        ListTasksResponse: MessageTypeDefinition<_shoal_control_v1_ListTasksResponse, _shoal_control_v1_ListTasksResponse__Output>
        ManagerInfo: MessageTypeDefinition<_shoal_control_v1_ManagerInfo, _shoal_control_v1_ManagerInfo__Output>
        ManagerStatus: MessageTypeDefinition<_shoal_control_v1_ManagerStatus, _shoal_control_v1_ManagerStatus__Output>
        Node: MessageTypeDefinition<_shoal_control_v1_Node, _shoal_control_v1_Node__Output>
        NodeRef: MessageTypeDefinition<_shoal_control_v1_NodeRef, _shoal_control_v1_NodeRef__Output>
        PeerManager: MessageTypeDefinition<_shoal_control_v1_PeerManager, _shoal_control_v1_PeerManager__Output>
        PipelinedCall: MessageTypeDefinition<_shoal_control_v1_PipelinedCall, _shoal_control_v1_PipelinedCall__Output>
        PipelinedCalls: MessageTypeDefinition<_shoal_control_v1_PipelinedCalls, _shoal_control_v1_PipelinedCalls__Output>
        PipelinedReplies: MessageTypeDefinition<_shoal_control_v1_PipelinedReplies, _shoal_control_v1_PipelinedReplies__Output>
        PipelinedReply: MessageTypeDefinition<_shoal_control_v1_PipelinedReply, _shoal_control_v1_PipelinedReply__Output>
        PublishError: MessageTypeDefinition<_shoal_control_v1_PublishError, _shoal_control_v1_PublishError__Output>
        RaftSettings: MessageTypeDefinition<_shoal_control_v1_RaftSettings, _shoal_control_v1_RaftSettings__Output>
        ReadOptions: MessageTypeDefinition<_shoal_control_v1_ReadOptions, _shoal_control_v1_ReadOptions__Output>
        RemoveNodeRequest: MessageTypeDefinition<_shoal_control_v1_RemoveNodeRequest, _shoal_control_v1_RemoveNodeRequest__Output>
        RemoveNodeResponse: MessageTypeDefinition<_shoal_control_v1_RemoveNodeResponse, _shoal_control_v1_RemoveNodeResponse__Output>
        RemoveServiceResponse: MessageTypeDefinition<_shoal_control_v1_RemoveServiceResponse, _shoal_control_v1_RemoveServiceResponse__Output>
        RenewCertificateRequest: MessageTypeDefinition<_shoal_control_v1_RenewCertificateRequest, _shoal_control_v1_RenewCertificateRequest__Output>
        RenewCertificateResponse: MessageTypeDefinition<_shoal_control_v1_RenewCertificateResponse, _shoal_control_v1_RenewCertificateResponse__Output>
        Resources: MessageTypeDefinition<_shoal_control_v1_Resources, _shoal_control_v1_Resources__Output>
        RollbackServiceRequest: MessageTypeDefinition<_shoal_control_v1_RollbackServiceRequest, _shoal_control_v1_RollbackServiceRequest__Output>
        Service: MessageTypeDefinition<_shoal_control_v1_Service, _shoal_control_v1_Service__Output>
        ServiceLogLine: MessageTypeDefinition<_shoal_control_v1_ServiceLogLine, _shoal_control_v1_ServiceLogLine__Output>
        ServiceLogsRequest: MessageTypeDefinition<_shoal_control_v1_ServiceLogsRequest, _shoal_control_v1_ServiceLogsRequest__Output>
        ServiceRef: MessageTypeDefinition<_shoal_control_v1_ServiceRef, _shoal_control_v1_ServiceRef__Output>
        Task: MessageTypeDefinition<_shoal_control_v1_Task, _shoal_control_v1_Task__Output>
        UnlockKeyRequest: MessageTypeDefinition<_shoal_control_v1_UnlockKeyRequest, _shoal_control_v1_UnlockKeyRequest__Output>
        UnlockKeyResponse: MessageTypeDefinition<_shoal_control_v1_UnlockKeyResponse, _shoal_control_v1_UnlockKeyResponse__Output>
        UpdateClusterRequest: MessageTypeDefinition<_shoal_control_v1_UpdateClusterRequest, _shoal_control_v1_UpdateClusterRequest__Output>
        UpdateNodeRequest: MessageTypeDefinition<_shoal_control_v1_UpdateNodeRequest, _shoal_control_v1_UpdateNodeRequest__Output>
        UpdateServiceRequest: MessageTypeDefinition<_shoal_control_v1_UpdateServiceRequest, _shoal_control_v1_UpdateServiceRequest__Output>
        UpdateStatus: MessageTypeDefinition<_shoal_control_v1_UpdateStatus, _shoal_control_v1_UpdateStatus__Output>
      }
    }
    spec: {
      v1: {
        HealthCheck: MessageTypeDefinition<_shoal_spec_v1_HealthCheck, _shoal_spec_v1_HealthCheck__Output>
        HealthTest: MessageTypeDefinition<_shoal_spec_v1_HealthTest, _shoal_spec_v1_HealthTest__Output>
        Placement: MessageTypeDefinition<_shoal_spec_v1_Placement, _shoal_spec_v1_Placement__Output>
        PortList: MessageTypeDefinition<_shoal_spec_v1_PortList, _shoal_spec_v1_PortList__Output>
        PortSpec: MessageTypeDefinition<_shoal_spec_v1_PortSpec, _shoal_spec_v1_PortSpec__Output>
        ResourceAmounts: MessageTypeDefinition<_shoal_spec_v1_ResourceAmounts, _shoal_spec_v1_ResourceAmounts__Output>
        RestartPolicy: MessageTypeDefinition<_shoal_spec_v1_RestartPolicy, _shoal_spec_v1_RestartPolicy__Output>
        ServiceSpec: MessageTypeDefinition<_shoal_spec_v1_ServiceSpec, _shoal_spec_v1_ServiceSpec__Output>
        SpreadList: MessageTypeDefinition<_shoal_spec_v1_SpreadList, _shoal_spec_v1_SpreadList__Output>
        SpreadPreference: MessageTypeDefinition<_shoal_spec_v1_SpreadPreference, _shoal_spec_v1_SpreadPreference__Output>
        StringList: MessageTypeDefinition<_shoal_spec_v1_StringList, _shoal_spec_v1_StringList__Output>
        StringMap: MessageTypeDefinition<_shoal_spec_v1_StringMap, _shoal_spec_v1_StringMap__Output>
        TaskResources: MessageTypeDefinition<_shoal_spec_v1_TaskResources, _shoal_spec_v1_TaskResources__Output>
        TaskSpec: MessageTypeDefinition<_shoal_spec_v1_TaskSpec, _shoal_spec_v1_TaskSpec__Output>
        UpdateConfig: MessageTypeDefinition<_shoal_spec_v1_UpdateConfig, _shoal_spec_v1_UpdateConfig__Output>
      }
    }
  }
}

