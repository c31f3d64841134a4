// Original file: proto/control.proto

import type { ServiceSpec as _shoal_spec_v1_ServiceSpec, ServiceSpec__Output as _shoal_spec_v1_ServiceSpec__Output } from '../../../shoal/spec/v1/ServiceSpec.js';
import type { Long } from '@grpc/proto-loader';

export interface UpdateServiceRequest {
  'service'?: (string);
  'version'?: (number | string | Long);
  'spec'?: (_shoal_spec_v1_ServiceSpec | null);
  'canary'?: (number);
  'continue'?: (boolean);
}

export interface UpdateServiceRequest__Output {
  'service': (string);
  'version': (string);
  'spec': (_shoal_spec_v1_ServiceSpec__Output | null);
  'canary': (number);
  'continue': (boolean);
}
