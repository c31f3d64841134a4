// Original file: proto/spec.proto

import type { TaskSpec as _shoal_spec_v1_TaskSpec, TaskSpec__Output as _shoal_spec_v1_TaskSpec__Output } from '../../../shoal/spec/v1/TaskSpec.js';
import type { PortList as _shoal_spec_v1_PortList, PortList__Output as _shoal_spec_v1_PortList__Output } from '../../../shoal/spec/v1/PortList.js';
import type { UpdateConfig as _shoal_spec_v1_UpdateConfig, UpdateConfig__Output as _shoal_spec_v1_UpdateConfig__Output } from '../../../shoal/spec/v1/UpdateConfig.js';
import type { StringMap as _shoal_spec_v1_StringMap, StringMap__Output as _shoal_spec_v1_StringMap__Output } from '../../../shoal/spec/v1/StringMap.js';
import type { Long } from '@grpc/proto-loader';

export interface ServiceSpec {
  'name'?: (string);
  'mode'?: (string);
  'replicas'?: (number | string | Long);
  'task'?: (_shoal_spec_v1_TaskSpec | null);
  'ports'?: (_shoal_spec_v1_PortList | null);
  'update'?: (_shoal_spec_v1_UpdateConfig | null);
  'rollback'?: (_shoal_spec_v1_UpdateConfig | null);
  'labels'?: (_shoal_spec_v1_StringMap | null);
  '_name'?: "name";
  '_mode'?: "mode";
  '_replicas'?: "replicas";
}

export interface ServiceSpec__Output {
  'name'?: (string);
  'mode'?: (string);
  'replicas'?: (string);
  'task': (_shoal_spec_v1_TaskSpec__Output | null);
  'ports': (_shoal_spec_v1_PortList__Output | null);
  'update': (_shoal_spec_v1_UpdateConfig__Output | null);
  'rollback': (_shoal_spec_v1_UpdateConfig__Output | null);
  'labels': (_shoal_spec_v1_StringMap__Output | null);
  '_name'?: "name";
  '_mode'?: "mode";
  '_replicas'?: "replicas";
}
