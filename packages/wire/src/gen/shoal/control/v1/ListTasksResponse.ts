// Original file: proto/control.proto

import type { Task as _shoal_control_v1_Task, Task__Output as _shoal_control_v1_Task__Output } from '../../../shoal/control/v1/Task.js';

export interface ListTasksResponse {
  'tasks'?: (_shoal_control_v1_Task)[];
}

export interface ListTasksResponse__Output {
  'tasks': (_shoal_control_v1_Task__Output)[];
}
