// Original file: proto/dispatcher.proto

import type { Hello as _shoal_dispatcher_v1_Hello, Hello__Output as _shoal_dispatcher_v1_Hello__Output } from '../../../shoal/dispatcher/v1/Hello.js';
import type { Heartbeat as _shoal_dispatcher_v1_Heartbeat, Heartbeat__Output as _shoal_dispatcher_v1_Heartbeat__Output } from '../../../shoal/dispatcher/v1/Heartbeat.js';
import type { StatusBatch as _shoal_dispatcher_v1_StatusBatch, StatusBatch__Output as _shoal_dispatcher_v1_StatusBatch__Output } from '../../../shoal/dispatcher/v1/StatusBatch.js';
import type { LogChunk as _shoal_dispatcher_v1_LogChunk, LogChunk__Output as _shoal_dispatcher_v1_LogChunk__Output } from '../../../shoal/dispatcher/v1/LogChunk.js';
import type { Goodbye as _shoal_dispatcher_v1_Goodbye, Goodbye__Output as _shoal_dispatcher_v1_Goodbye__Output } from '../../../shoal/dispatcher/v1/Goodbye.js';
import type { PublishStatus as _shoal_dispatcher_v1_PublishStatus, PublishStatus__Output as _shoal_dispatcher_v1_PublishStatus__Output } from '../../../shoal/dispatcher/v1/PublishStatus.js';

export interface WorkerMessage {
  'hello'?: (_shoal_dispatcher_v1_Hello | null);
  'heartbeat'?: (_shoal_dispatcher_v1_Heartbeat | null);
  'statuses'?: (_shoal_dispatcher_v1_StatusBatch | null);
  'logs'?: (_shoal_dispatcher_v1_LogChunk | null);
  'goodbye'?: (_shoal_dispatcher_v1_Goodbye | null);
  'publishStatus'?: (_shoal_dispatcher_v1_PublishStatus | null);
  'body'?: "hello"|"heartbeat"|"statuses"|"logs"|"goodbye"|"publishStatus";
}

export interface WorkerMessage__Output {
  'hello'?: (_shoal_dispatcher_v1_Hello__Output | null);
  'heartbeat'?: (_shoal_dispatcher_v1_Heartbeat__Output | null);
  'statuses'?: (_shoal_dispatcher_v1_StatusBatch__Output | null);
  'logs'?: (_shoal_dispatcher_v1_LogChunk__Output | null);
  'goodbye'?: (_shoal_dispatcher_v1_Goodbye__Output | null);
  'publishStatus'?: (_shoal_dispatcher_v1_PublishStatus__Output | null);
  'body'?: "hello"|"heartbeat"|"statuses"|"logs"|"goodbye"|"publishStatus";
}
