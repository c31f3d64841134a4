// Original file: proto/control.proto

import type { Long } from '@grpc/proto-loader';

export interface PipelinedReply {
  'id'?: (number | string | Long);
  'response'?: (Buffer | Uint8Array | string);
  'status'?: (number);
  'details'?: (string);
  'errorCode'?: (string);
  'leaderAddr'?: (string);
}

export interface PipelinedReply__Output {
  'id': (string);
  'response': (Buffer);
  'status': (number);
  'details': (string);
  'errorCode': (string);
  'leaderAddr': (string);
}
