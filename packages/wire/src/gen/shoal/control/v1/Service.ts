// Original file: proto/control.proto

import type { PublishError as _shoal_control_v1_PublishError, PublishError__Output as _shoal_control_v1_PublishError__Output } from '../../../shoal/control/v1/PublishError.js';
import type { ServiceSpec as _shoal_spec_v1_ServiceSpec, ServiceSpec__Output as _shoal_spec_v1_ServiceSpec__Output } from '../../../shoal/spec/v1/ServiceSpec.js';
import type { UpdateStatus as _shoal_control_v1_UpdateStatus, UpdateStatus__Output as _shoal_control_v1_UpdateStatus__Output } from '../../../shoal/control/v1/UpdateStatus.js';
import type { AutoscaleConfig as _shoal_control_v1_AutoscaleConfig, AutoscaleConfig__Output as _shoal_control_v1_AutoscaleConfig__Output } from '../../../shoal/control/v1/AutoscaleConfig.js';
import type { AutoscaleStatus as _shoal_control_v1_AutoscaleStatus, AutoscaleStatus__Output as _shoal_control_v1_AutoscaleStatus__Output } from '../../../shoal/control/v1/AutoscaleStatus.js';
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
  'updateStatus'?: (_shoal_control_v1_UpdateStatus | null);
  'autoscale'?: (_shoal_control_v1_AutoscaleConfig | null);
  'autoscaleStatus'?: (_shoal_control_v1_AutoscaleStatus | null);
  'specVersion'?: (number | string | Long);
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
  'updateStatus': (_shoal_control_v1_UpdateStatus__Output | null);
  'autoscale': (_shoal_control_v1_AutoscaleConfig__Output | null);
  'autoscaleStatus': (_shoal_control_v1_AutoscaleStatus__Output | null);
  'specVersion': (string);
}
