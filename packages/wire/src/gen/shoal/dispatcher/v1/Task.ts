// Original file: proto/dispatcher.proto

import type { TaskSpec as _shoal_spec_v1_TaskSpec, TaskSpec__Output as _shoal_spec_v1_TaskSpec__Output } from '../../../shoal/spec/v1/TaskSpec.js';
import type { PortSpec as _shoal_spec_v1_PortSpec, PortSpec__Output as _shoal_spec_v1_PortSpec__Output } from '../../../shoal/spec/v1/PortSpec.js';
import type { Long } from '@grpc/proto-loader';

export interface Task {
  'id'?: (string);
  'name'?: (string);
  'serviceId'?: (string);
  'serviceName'?: (string);
  'serviceVersion'?: (number | string | Long);
  'slot'?: (number);
  'nodeId'?: (string);
  'spec'?: (_shoal_spec_v1_TaskSpec | null);
  'ports'?: (_shoal_spec_v1_PortSpec)[];
  'desiredState'?: (string);
  'state'?: (string);
  'port'?: (number);
}

export interface Task__Output {
  'id': (string);
  'name': (string);
  'serviceId': (string);
  'serviceName': (string);
  'serviceVersion': (string);
  'slot': (number);
  'nodeId': (string);
  'spec': (_shoal_spec_v1_TaskSpec__Output | null);
  'ports': (_shoal_spec_v1_PortSpec__Output)[];
  'desiredState': (string);
  'state': (string);
  'port': (number);
}
