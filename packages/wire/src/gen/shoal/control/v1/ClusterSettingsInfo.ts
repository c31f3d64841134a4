// Original file: proto/control.proto

import type { Long } from '@grpc/proto-loader';

export interface ClusterSettingsInfo {
  'version'?: (number | string | Long);
  'certExpirySeconds'?: (number | string | Long);
}

export interface ClusterSettingsInfo__Output {
  'version': (string);
  'certExpirySeconds': (string);
}
