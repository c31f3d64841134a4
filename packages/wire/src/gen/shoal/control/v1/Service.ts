// Original file: proto/control.proto

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
}
