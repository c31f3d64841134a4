// Original file: proto/control.proto

import type { Long } from '@grpc/proto-loader';

export interface UpdateNodeRequest {
  'node'?: (string);
  'version'?: (number | string | Long);
  'availability'?: (string);
  'addLabels'?: ({[key: string]: string});
  'removeLabels'?: (string)[];
}

export interface UpdateNodeRequest__Output {
  'node': (string);
  'version': (string);
  'availability': (string);
  'addLabels': ({[key: string]: string});
  'removeLabels': (string)[];
}
