// Original file: proto/spec.proto

import type { ResourceAmounts as _shoal_spec_v1_ResourceAmounts, ResourceAmounts__Output as _shoal_spec_v1_ResourceAmounts__Output } from '../../../shoal/spec/v1/ResourceAmounts.js';

export interface TaskResources {
  'reservations'?: (_shoal_spec_v1_ResourceAmounts | null);
  'limits'?: (_shoal_spec_v1_ResourceAmounts | null);
}

export interface TaskResources__Output {
  'reservations': (_shoal_spec_v1_ResourceAmounts__Output | null);
  'limits': (_shoal_spec_v1_ResourceAmounts__Output | null);
}
