// Original file: proto/dispatcher.proto

import type { TaskLoad as _shoal_dispatcher_v1_TaskLoad, TaskLoad__Output as _shoal_dispatcher_v1_TaskLoad__Output } from '../../../shoal/dispatcher/v1/TaskLoad.js';

export interface Heartbeat {
  'tasks'?: (_shoal_dispatcher_v1_TaskLoad)[];
}

export interface Heartbeat__Output {
  'tasks': (_shoal_dispatcher_v1_TaskLoad__Output)[];
}
