// Original file: proto/spec.proto

import type { Long } from '@grpc/proto-loader';

export interface PortSpec {
  'published'?: (number | string | Long);
  'target'?: (number | string | Long);
  'protocol'?: (string);
  '_published'?: "published";
  '_target'?: "target";
  '_protocol'?: "protocol";
}

export interface PortSpec__Output {
  'published'?: (string);
  'target'?: (string);
  'protocol'?: (string);
  '_published'?: "published";
  '_target'?: "target";
  '_protocol'?: "protocol";
}
