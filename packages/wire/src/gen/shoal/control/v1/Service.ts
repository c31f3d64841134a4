// Original file: proto/control.proto

import type { PublishError as _shoal_control_v1_PublishError, PublishError__Output as _shoal_control_v1_PublishError__Output } from '../../../shoal/control/v1/PublishError.js';
import type { Long } from '@grpc/proto-loader';

export interface Service {
  'id'?: (string);
  'name'?: (string);
  'version'?: (number | string | Long);
  'specJson'?: (string);
  'previousSpecJson'?: (string);
  'createdAt'?: (string);
  'updatedAt'?: (string);
  'running'?: (number);
  'desired'?: (number);
  'publishErrors'?: (_shoal_control_v1_PublishError)[];
}

export interface Service__Output {
  'id': (string);
  'name': (string);
  'version': (string);
  'specJson': (string);
  'previousSpecJson': (string);
  'createdAt': (string);
  'updatedAt': (string);
  'running': (number);
  'desired': (number);
  'publishErrors': (_shoal_control_v1_PublishError__Output)[];
}
