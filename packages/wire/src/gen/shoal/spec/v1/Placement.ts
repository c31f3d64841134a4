// Original file: proto/spec.proto

import type { StringList as _shoal_spec_v1_StringList, StringList__Output as _shoal_spec_v1_StringList__Output } from '../../../shoal/spec/v1/StringList.js';
import type { SpreadList as _shoal_spec_v1_SpreadList, SpreadList__Output as _shoal_spec_v1_SpreadList__Output } from '../../../shoal/spec/v1/SpreadList.js';
import type { Long } from '@grpc/proto-loader';

export interface Placement {
  'constraints'?: (_shoal_spec_v1_StringList | null);
  'preferences'?: (_shoal_spec_v1_SpreadList | null);
  'maxReplicasPerNode'?: (number | string | Long);
  '_maxReplicasPerNode'?: "maxReplicasPerNode";
}

export interface Placement__Output {
  'constraints': (_shoal_spec_v1_StringList__Output | null);
  'preferences': (_shoal_spec_v1_SpreadList__Output | null);
  'maxReplicasPerNode'?: (string);
  '_maxReplicasPerNode'?: "maxReplicasPerNode";
}
