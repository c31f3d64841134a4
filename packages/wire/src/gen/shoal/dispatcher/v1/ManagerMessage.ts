// Original file: proto/dispatcher.proto

import type { SessionConfig as _shoal_dispatcher_v1_SessionConfig, SessionConfig__Output as _shoal_dispatcher_v1_SessionConfig__Output } from '../../../shoal/dispatcher/v1/SessionConfig.js';
import type { Assignments as _shoal_dispatcher_v1_Assignments, Assignments__Output as _shoal_dispatcher_v1_Assignments__Output } from '../../../shoal/dispatcher/v1/Assignments.js';
import type { LogsRequest as _shoal_dispatcher_v1_LogsRequest, LogsRequest__Output as _shoal_dispatcher_v1_LogsRequest__Output } from '../../../shoal/dispatcher/v1/LogsRequest.js';
import type { LogsCancel as _shoal_dispatcher_v1_LogsCancel, LogsCancel__Output as _shoal_dispatcher_v1_LogsCancel__Output } from '../../../shoal/dispatcher/v1/LogsCancel.js';
import type { RoutingTable as _shoal_dispatcher_v1_RoutingTable, RoutingTable__Output as _shoal_dispatcher_v1_RoutingTable__Output } from '../../../shoal/dispatcher/v1/RoutingTable.js';

export interface ManagerMessage {
  'config'?: (_shoal_dispatcher_v1_SessionConfig | null);
  'assignments'?: (_shoal_dispatcher_v1_Assignments | null);
  'logs'?: (_shoal_dispatcher_v1_LogsRequest | null);
  'cancelLogs'?: (_shoal_dispatcher_v1_LogsCancel | null);
  'routes'?: (_shoal_dispatcher_v1_RoutingTable | null);
  'body'?: "config"|"assignments"|"logs"|"cancelLogs"|"routes";
}

export interface ManagerMessage__Output {
  'config'?: (_shoal_dispatcher_v1_SessionConfig__Output | null);
  'assignments'?: (_shoal_dispatcher_v1_Assignments__Output | null);
  'logs'?: (_shoal_dispatcher_v1_LogsRequest__Output | null);
  'cancelLogs'?: (_shoal_dispatcher_v1_LogsCancel__Output | null);
  'routes'?: (_shoal_dispatcher_v1_RoutingTable__Output | null);
  'body'?: "config"|"assignments"|"logs"|"cancelLogs"|"routes";
}
