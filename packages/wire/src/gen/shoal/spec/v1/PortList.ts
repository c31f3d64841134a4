// Original file: proto/spec.proto

import type { PortSpec as _shoal_spec_v1_PortSpec, PortSpec__Output as _shoal_spec_v1_PortSpec__Output } from '../../../shoal/spec/v1/PortSpec.js';

export interface PortList {
  'items'?: (_shoal_spec_v1_PortSpec)[];
}

export interface PortList__Output {
  'items': (_shoal_spec_v1_PortSpec__Output)[];
}
