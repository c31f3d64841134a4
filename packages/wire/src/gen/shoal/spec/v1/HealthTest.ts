// Original file: proto/spec.proto

import type { StringList as _shoal_spec_v1_StringList, StringList__Output as _shoal_spec_v1_StringList__Output } from '../../../shoal/spec/v1/StringList.js';
import type { Long } from '@grpc/proto-loader';

export interface HealthTest {
  'kind'?: (string);
  'cmd'?: (_shoal_spec_v1_StringList | null);
  'path'?: (string);
  'port'?: (number | string | Long);
  '_kind'?: "kind";
  '_path'?: "path";
  '_port'?: "port";
}

export interface HealthTest__Output {
  'kind'?: (string);
  'cmd': (_shoal_spec_v1_StringList__Output | null);
  'path'?: (string);
  'port'?: (string);
  '_kind'?: "kind";
  '_path'?: "path";
  '_port'?: "port";
}
