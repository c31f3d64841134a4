// Original file: proto/control.proto

import type { Long } from '@grpc/proto-loader';

export interface PipelinedCall {
  'id'?: (number | string | Long);
  'method'?: (string);
  'request'?: (Buffer | Uint8Array | string);
}

export interface PipelinedCall__Output {
  'id': (string);
  'method': (string);
  'request': (Buffer);
}
