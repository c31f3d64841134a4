// Original file: proto/dispatcher.proto

import type { Task as _shoal_dispatcher_v1_Task, Task__Output as _shoal_dispatcher_v1_Task__Output } from '../../../shoal/dispatcher/v1/Task.js';

export interface Assignment {
  'taskId'?: (string);
  'desiredState'?: (string);
  'task'?: (_shoal_dispatcher_v1_Task | null);
}

export interface Assignment__Output {
  'taskId': (string);
  'desiredState': (string);
  'task': (_shoal_dispatcher_v1_Task__Output | null);
}
