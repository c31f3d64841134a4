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
import type { TaskReport as _shoal_dispatcher_v1_TaskReport, TaskReport__Output as _shoal_dispatcher_v1_TaskReport__Output } from './shoal/dispatcher/v1/TaskReport.js';
import type { WorkerMessage as _shoal_dispatcher_v1_WorkerMessage, WorkerMessage__Output as _shoal_dispatcher_v1_WorkerMessage__Output } from './shoal/dispatcher/v1/WorkerMessage.js';

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
        TaskReport: MessageTypeDefinition<_shoal_dispatcher_v1_TaskReport, _shoal_dispatcher_v1_TaskReport__Output>
        WorkerMessage: MessageTypeDefinition<_shoal_dispatcher_v1_WorkerMessage, _shoal_dispatcher_v1_WorkerMessage__Output>
      }
    }
  }
}

