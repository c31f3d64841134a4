// Original file: proto/spec.proto

import type { Long } from '@grpc/proto-loader';

export interface UpdateConfig {
  'parallelism'?: (number | string | Long);
  'delayMs'?: (number | string | Long);
  'monitorMs'?: (number | string | Long);
  'failureAction'?: (string);
  'maxFailureRatio'?: (number | string);
  'order'?: (string);
  '_parallelism'?: "parallelism";
  '_delayMs'?: "delayMs";
  '_monitorMs'?: "monitorMs";
  '_failureAction'?: "failureAction";
  '_maxFailureRatio'?: "maxFailureRatio";
  '_order'?: "order";
}

export interface UpdateConfig__Output {
  'parallelism'?: (string);
  'delayMs'?: (string);
  'monitorMs'?: (string);
  'failureAction'?: (string);
  'maxFailureRatio'?: (number);
  'order'?: (string);
  '_parallelism'?: "parallelism";
  '_delayMs'?: "delayMs";
  '_monitorMs'?: "monitorMs";
  '_failureAction'?: "failureAction";
  '_maxFailureRatio'?: "maxFailureRatio";
  '_order'?: "order";
}
