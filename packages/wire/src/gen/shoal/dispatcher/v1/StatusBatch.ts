// Original file: proto/dispatcher.proto

import type { TaskReport as _shoal_dispatcher_v1_TaskReport, TaskReport__Output as _shoal_dispatcher_v1_TaskReport__Output } from '../../../shoal/dispatcher/v1/TaskReport.js';

export interface StatusBatch {
  'reports'?: (_shoal_dispatcher_v1_TaskReport)[];
}

export interface StatusBatch__Output {
  'reports': (_shoal_dispatcher_v1_TaskReport__Output)[];
}
