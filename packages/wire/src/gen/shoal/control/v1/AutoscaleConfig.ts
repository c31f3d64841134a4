// Original file: proto/control.proto

import type { Long } from '@grpc/proto-loader';

export interface AutoscaleConfig {
  'minReplicas'?: (number);
  'maxReplicas'?: (number);
  'targetCpuPercent'?: (number | string);
  'targetConnections'?: (number | string);
  'scaleUpWindowMs'?: (number | string | Long);
  'scaleDownWindowMs'?: (number | string | Long);
  'tolerance'?: (number | string);
}

export interface AutoscaleConfig__Output {
  'minReplicas': (number);
  'maxReplicas': (number);
  'targetCpuPercent': (number);
  'targetConnections': (number);
  'scaleUpWindowMs': (string);
  'scaleDownWindowMs': (string);
  'tolerance': (number);
}
