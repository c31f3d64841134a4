// Original file: proto/spec.proto

import type { Long } from '@grpc/proto-loader';

export interface ResourceAmounts {
  'nanoCpus'?: (number | string | Long);
  'memoryBytes'?: (number | string | Long);
  '_nanoCpus'?: "nanoCpus";
  '_memoryBytes'?: "memoryBytes";
}

export interface ResourceAmounts__Output {
  'nanoCpus'?: (string);
  'memoryBytes'?: (string);
  '_nanoCpus'?: "nanoCpus";
  '_memoryBytes'?: "memoryBytes";
}
