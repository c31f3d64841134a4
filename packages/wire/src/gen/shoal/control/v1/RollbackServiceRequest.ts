// Original file: proto/control.proto

import type { Long } from '@grpc/proto-loader';

export interface RollbackServiceRequest {
  'service'?: (string);
  'version'?: (number | string | Long);
}

export interface RollbackServiceRequest__Output {
  'service': (string);
  'version': (string);
}
