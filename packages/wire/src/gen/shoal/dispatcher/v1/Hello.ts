// Original file: proto/dispatcher.proto

import type { Resources as _shoal_dispatcher_v1_Resources, Resources__Output as _shoal_dispatcher_v1_Resources__Output } from '../../../shoal/dispatcher/v1/Resources.js';
import type { TaskReport as _shoal_dispatcher_v1_TaskReport, TaskReport__Output as _shoal_dispatcher_v1_TaskReport__Output } from '../../../shoal/dispatcher/v1/TaskReport.js';

export interface Hello {
  'runtime'?: (string);
  'resources'?: (_shoal_dispatcher_v1_Resources | null);
  'hostname'?: (string);
  'addr'?: (string);
  'tasks'?: (_shoal_dispatcher_v1_TaskReport)[];
  'agentVersion'?: (string);
  'offlineNote'?: (string);
}

export interface Hello__Output {
  'runtime': (string);
  'resources': (_shoal_dispatcher_v1_Resources__Output | null);
  'hostname': (string);
  'addr': (string);
  'tasks': (_shoal_dispatcher_v1_TaskReport__Output)[];
  'agentVersion': (string);
  'offlineNote': (string);
}
