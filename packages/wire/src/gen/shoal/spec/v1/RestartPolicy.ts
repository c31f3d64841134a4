// Original file: proto/spec.proto

import type { Long } from '@grpc/proto-loader';

export interface RestartPolicy {
  'condition'?: (string);
  'delayMs'?: (number | string | Long);
  'maxAttempts'?: (number | string | Long);
  'windowMs'?: (number | string | Long);
  '_condition'?: "condition";
  '_delayMs'?: "delayMs";
  '_maxAttempts'?: "maxAttempts";
  '_windowMs'?: "windowMs";
}

export interface RestartPolicy__Output {
  'condition'?: (string);
  'delayMs'?: (string);
  'maxAttempts'?: (string);
  'windowMs'?: (string);
  '_condition'?: "condition";
  '_delayMs'?: "delayMs";
  '_maxAttempts'?: "maxAttempts";
  '_windowMs'?: "windowMs";
}
