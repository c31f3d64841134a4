// Original file: proto/spec.proto

import type { SpreadPreference as _shoal_spec_v1_SpreadPreference, SpreadPreference__Output as _shoal_spec_v1_SpreadPreference__Output } from '../../../shoal/spec/v1/SpreadPreference.js';

export interface SpreadList {
  'items'?: (_shoal_spec_v1_SpreadPreference)[];
}

export interface SpreadList__Output {
  'items': (_shoal_spec_v1_SpreadPreference__Output)[];
}
