import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Assignment as _shoal_dispatcher_v1_Assignment, Assignment__Output as _shoal_dispatcher_v1_Assignment__Output } from './shoal/dispatcher/v1/Assignment.js';
import type { Assignments as _shoal_dispatcher_v1_Assignments, Assignments__Output as _shoal_dispatcher_v1_Assignments__Output } from './shoal/dispatcher/v1/Assignments.js';
import type { Backend as _shoal_dispatcher_v1_Backend, Backend__Output as _shoal_dispatcher_v1_Backend__Output } from './shoal/dispatcher/v1/Backend.js';
import type { DispatcherClient as _shoal_dispatcher_v1_DispatcherClient, DispatcherDefinition as _shoal_dispatcher_v1_DispatcherDefinition } from './shoal/dispatcher/v1/Dispatcher.js';
import type { Goodbye as _shoal_dispatcher_v1_Goodbye, Goodbye__Output as _shoal_dispatcher_v1_Goodbye__Output } from './shoal/dispatcher/v1/Goodbye.js';
import type { Heartbeat as _shoal_dispatcher_v1_Heartbeat, Heartbeat__Output as _shoal_dispatcher_v1_Heartbeat__Output } from './shoal/dispatcher/v1/Heartbeat.js';
import type { Hello as _shoal_dispatcher_v1_Hello, Hello__Output as _shoal_dispatcher_v1_Hello__Output } from './shoal/dispatcher/v1/Hello.js';
import type { LogChunk as _shoal_dispatcher_v1_LogChunk, LogChunk__Output as _shoal_dispatcher_v1_LogChunk__Output } from './shoal/dispatcher/v1/LogChunk.js';
import type { LogsCancel as _shoal_dispatcher_v1_LogsCancel, LogsCancel__Output as _shoal_dispatcher_v1_LogsCancel__Output } from './shoal/dispatcher/v1/LogsCancel.js';
import type { LogsRequest as _shoal_dispatcher_v1_LogsRequest, LogsRequest__Output as _shoal_dispatcher_v1_LogsRequest__Output } from './shoal/dispatcher/v1/LogsRequest.js';
import type { ManagerMessage as _shoal_dispatcher_v1_ManagerMessage, ManagerMessage__Output as _shoal_dispatcher_v1_ManagerMessage__Output } from './shoal/dispatcher/v1/ManagerMessage.js';
import type { PublishFailure as _shoal_dispatcher_v1_PublishFailure, PublishFailure__Output as _shoal_dispatcher_v1_PublishFailure__Output } from './shoal/dispatcher/v1/PublishFailure.js';
import type { PublishStatus as _shoal_dispatcher_v1_PublishStatus, PublishStatus__Output as _shoal_dispatcher_v1_PublishStatus__Output } from './shoal/dispatcher/v1/PublishStatus.js';
import type { Resources as _shoal_dispatcher_v1_Resources, Resources__Output as _shoal_dispatcher_v1_Resources__Output } from './shoal/dispatcher/v1/Resources.js';
import type { Route as _shoal_dispatcher_v1_Route, Route__Output as _shoal_dispatcher_v1_Route__Output } from './shoal/dispatcher/v1/Route.js';
import type { RoutingTable as _shoal_dispatcher_v1_RoutingTable, RoutingTable__Output as _shoal_dispatcher_v1_RoutingTable__Output } from './shoal/dispatcher/v1/RoutingTable.js';
import type { SessionConfig as _shoal_dispatcher_v1_SessionConfig, SessionConfig__Output as _shoal_dispatcher_v1_SessionConfig__Output } from './shoal/dispatcher/v1/SessionConfig.js';
import type { StatusBatch as _shoal_dispatcher_v1_StatusBatch, StatusBatch__Output as _shoal_dispatcher_v1_StatusBatch__Output } from './shoal/dispatcher/v1/StatusBatch.js';
import type { Task as _shoal_dispatcher_v1_Task, Task__Output as _shoal_dispatcher_v1_Task__Output } from './shoal/dispatcher/v1/Task.js';
import type { TaskLoad as _shoal_dispatcher_v1_TaskLoad, TaskLoad__Output as _shoal_dispatcher_v1_TaskLoad__Output } from './shoal/dispatcher/v1/TaskLoad.js';
import type { TaskReport as _shoal_dispatcher_v1_TaskReport, TaskReport__Output as _shoal_dispatcher_v1_TaskReport__Output } from './shoal/dispatcher/v1/TaskReport.js';
import type { WorkerMessage as _shoal_dispatcher_v1_WorkerMessage, WorkerMessage__Output as _shoal_dispatcher_v1_WorkerMessage__Output } from './shoal/dispatcher/v1/WorkerMessage.js';
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
    dispatcher: {
      v1: {
        Assignment: MessageTypeDefinition<_shoal_dispatcher_v1_Assignment, _shoal_dispatcher_v1_Assignment__Output>
        Assignments: MessageTypeDefinition<_shoal_dispatcher_v1_Assignments, _shoal_dispatcher_v1_Assignments__Output>
        Backend: MessageTypeDefinition<_shoal_dispatcher_v1_Backend, _shoal_dispatcher_v1_Backend__Output>
        Dispatcher: SubtypeConstructor<typeof grpc.Client, _shoal_dispatcher_v1_DispatcherClient> & { service: _shoal_dispatcher_v1_DispatcherDefinition }
        Goodbye: MessageTypeDefinition<_shoal_dispatcher_v1_Goodbye, _shoal_dispatcher_v1_Goodbye__Output>
        Heartbeat: MessageTypeDefinition<_shoal_dispatcher_v1_Heartbeat, _shoal_dispatcher_v1_Heartbeat__Output>
        Hello: MessageTypeDefinition<_shoal_dispatcher_v1_Hello, _shoal_dispatcher_v1_Hello__Output>
        LogChunk: MessageTypeDefinition<_shoal_dispatcher_v1_LogChunk, _shoal_dispatcher_v1_LogChunk__Output>
        LogsCancel: MessageTypeDefinition<_shoal_dispatcher_v1_LogsCancel, _shoal_dispatcher_v1_LogsCancel__Output>
        LogsRequest: MessageTypeDefinition<_shoal_dispatcher_v1_LogsRequest, _shoal_dispatcher_v1_LogsRequest__Output>
        ManagerMessage: MessageTypeDefinition<_shoal_dispatcher_v1_ManagerMessage, _shoal_dispatcher_v1_ManagerMessage__Output>
        PublishFailure: MessageTypeDefinition<_shoal_dispatcher_v1_PublishFailure, _shoal_dispatcher_v1_PublishFailure__Output>
        PublishStatus: MessageTypeDefinition<_shoal_dispatcher_v1_PublishStatus, _shoal_dispatcher_v1_PublishStatus__Output>
        Resources: MessageTypeDefinition<_shoal_dispatcher_v1_Resources, _shoal_dispatcher_v1_Resources__Output>
        Route: MessageTypeDefinition<_shoal_dispatcher_v1_Route, _shoal_dispatcher_v1_Route__Output>
        RoutingTable: MessageTypeDefinition<_shoal_dispatcher_v1_RoutingTable, _shoal_dispatcher_v1_RoutingTable__Output>
        SessionConfig: MessageTypeDefinition<_shoal_dispatcher_v1_SessionConfig, _shoal_dispatcher_v1_SessionConfig__Output>
        StatusBatch: MessageTypeDefinition<_shoal_dispatcher_v1_StatusBatch, _shoal_dispatcher_v1_StatusBatch__Output>
        Task: MessageTypeDefinition<_shoal_dispatcher_v1_Task, _shoal_dispatcher_v1_Task__Output>
        TaskLoad: MessageTypeDefinition<_shoal_dispatcher_v1_TaskLoad, _shoal_dispatcher_v1_TaskLoad__Output>
        TaskReport: MessageTypeDefinition<_shoal_dispatcher_v1_TaskReport, _shoal_dispatcher_v1_TaskReport__Output>
        WorkerMessage: MessageTypeDefinition<_shoal_dispatcher_v1_WorkerMessage, _shoal_dispatcher_v1_WorkerMessage__Output>
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

