// Original file: proto/control.proto

import type { Long } from '@grpc/proto-loader';

export interface UpdateClusterRequest {
  'version'?: (number | string | Long);
  'certExpirySeconds'?: (number | string | Long);
}

export interface UpdateClusterRequest__Output {
  'version': (string);
  'certExpirySeconds': (string);
}
