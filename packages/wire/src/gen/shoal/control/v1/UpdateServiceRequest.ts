// Original file: proto/control.proto

import type { Long } from '@grpc/proto-loader';

export interface UpdateServiceRequest {
  'service'?: (string);
  'version'?: (number | string | Long);
  'specJson'?: (string);
}

export interface UpdateServiceRequest__Output {
  'service': (string);
  'version': (string);
  'specJson': (string);
}
