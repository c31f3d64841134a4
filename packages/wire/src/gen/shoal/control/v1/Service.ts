// Original file: proto/control.proto

import type { PublishError as _shoal_control_v1_PublishError, PublishError__Output as _shoal_control_v1_PublishError__Output } from '../../../shoal/control/v1/PublishError.js';
import type { ServiceSpec as _shoal_spec_v1_ServiceSpec, ServiceSpec__Output as _shoal_spec_v1_ServiceSpec__Output } from '../../../shoal/spec/v1/ServiceSpec.js';
import type { Long } from '@grpc/proto-loader';

export interface Service {
  'id'?: (string);
  'name'?: (string);
  'version'?: (number | string | Long);
  'createdAt'?: (string);
  'updatedAt'?: (string);
  'running'?: (number);
  'desired'?: (number);
  'publishErrors'?: (_shoal_control_v1_PublishError)[];
  'spec'?: (_shoal_spec_v1_ServiceSpec | null);
  'previousSpec'?: (_shoal_spec_v1_ServiceSpec | null);
}

export interface Service__Output {
  'id': (string);
  'name': (string);
  'version': (string);
  'createdAt': (string);
  'updatedAt': (string);
  'running': (number);
  'desired': (number);
  'publishErrors': (_shoal_control_v1_PublishError__Output)[];
  'spec': (_shoal_spec_v1_ServiceSpec__Output | null);
  'previousSpec': (_shoal_spec_v1_ServiceSpec__Output | null);
}
