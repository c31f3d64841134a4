// Original file: proto/dispatcher.proto

import type { Assignment as _shoal_dispatcher_v1_Assignment, Assignment__Output as _shoal_dispatcher_v1_Assignment__Output } from '../../../shoal/dispatcher/v1/Assignment.js';

export interface Assignments {
  'full'?: (boolean);
  'assigned'?: (_shoal_dispatcher_v1_Assignment)[];
  'removed'?: (string)[];
}

export interface Assignments__Output {
  'full': (boolean);
  'assigned': (_shoal_dispatcher_v1_Assignment__Output)[];
  'removed': (string)[];
}
