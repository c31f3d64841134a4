// Original file: proto/spec.proto

import type { StringList as _shoal_spec_v1_StringList, StringList__Output as _shoal_spec_v1_StringList__Output } from '../../../shoal/spec/v1/StringList.js';
import type { StringMap as _shoal_spec_v1_StringMap, StringMap__Output as _shoal_spec_v1_StringMap__Output } from '../../../shoal/spec/v1/StringMap.js';
import type { TaskResources as _shoal_spec_v1_TaskResources, TaskResources__Output as _shoal_spec_v1_TaskResources__Output } from '../../../shoal/spec/v1/TaskResources.js';
import type { Placement as _shoal_spec_v1_Placement, Placement__Output as _shoal_spec_v1_Placement__Output } from '../../../shoal/spec/v1/Placement.js';
import type { RestartPolicy as _shoal_spec_v1_RestartPolicy, RestartPolicy__Output as _shoal_spec_v1_RestartPolicy__Output } from '../../../shoal/spec/v1/RestartPolicy.js';
import type { HealthCheck as _shoal_spec_v1_HealthCheck, HealthCheck__Output as _shoal_spec_v1_HealthCheck__Output } from '../../../shoal/spec/v1/HealthCheck.js';
import type { Long } from '@grpc/proto-loader';

export interface TaskSpec {
  'runtime'?: (string);
  'image'?: (string);
  'command'?: (_shoal_spec_v1_StringList | null);
  'env'?: (_shoal_spec_v1_StringMap | null);
  'workdir'?: (string);
  'resources'?: (_shoal_spec_v1_TaskResources | null);
  'placement'?: (_shoal_spec_v1_Placement | null);
  'restartPolicy'?: (_shoal_spec_v1_RestartPolicy | null);
  'healthCheck'?: (_shoal_spec_v1_HealthCheck | null);
  'noHealthCheck'?: (boolean);
  'stopGracePeriodMs'?: (number | string | Long);
  'drainMs'?: (number | string | Long);
  'forceUpdate'?: (number | string | Long);
  '_runtime'?: "runtime";
  '_image'?: "image";
  '_workdir'?: "workdir";
  '_noHealthCheck'?: "noHealthCheck";
  '_stopGracePeriodMs'?: "stopGracePeriodMs";
  '_drainMs'?: "drainMs";
  '_forceUpdate'?: "forceUpdate";
}

export interface TaskSpec__Output {
  'runtime'?: (string);
  'image'?: (string);
  'command': (_shoal_spec_v1_StringList__Output | null);
  'env': (_shoal_spec_v1_StringMap__Output | null);
  'workdir'?: (string);
  'resources': (_shoal_spec_v1_TaskResources__Output | null);
  'placement': (_shoal_spec_v1_Placement__Output | null);
  'restartPolicy': (_shoal_spec_v1_RestartPolicy__Output | null);
  'healthCheck': (_shoal_spec_v1_HealthCheck__Output | null);
  'noHealthCheck'?: (boolean);
  'stopGracePeriodMs'?: (string);
  'drainMs'?: (string);
  'forceUpdate'?: (string);
  '_runtime'?: "runtime";
  '_image'?: "image";
  '_workdir'?: "workdir";
  '_noHealthCheck'?: "noHealthCheck";
  '_stopGracePeriodMs'?: "stopGracePeriodMs";
  '_drainMs'?: "drainMs";
  '_forceUpdate'?: "forceUpdate";
}
