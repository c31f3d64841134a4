// Original file: proto/spec.proto

import type { HealthTest as _shoal_spec_v1_HealthTest, HealthTest__Output as _shoal_spec_v1_HealthTest__Output } from '../../../shoal/spec/v1/HealthTest.js';
import type { Long } from '@grpc/proto-loader';

export interface HealthCheck {
  'test'?: (_shoal_spec_v1_HealthTest | null);
  'intervalMs'?: (number | string | Long);
  'timeoutMs'?: (number | string | Long);
  'retries'?: (number | string | Long);
  'startPeriodMs'?: (number | string | Long);
  '_intervalMs'?: "intervalMs";
  '_timeoutMs'?: "timeoutMs";
  '_retries'?: "retries";
  '_startPeriodMs'?: "startPeriodMs";
}

export interface HealthCheck__Output {
  'test': (_shoal_spec_v1_HealthTest__Output | null);
  'intervalMs'?: (string);
  'timeoutMs'?: (string);
  'retries'?: (string);
  'startPeriodMs'?: (string);
  '_intervalMs'?: "intervalMs";
  '_timeoutMs'?: "timeoutMs";
  '_retries'?: "retries";
  '_startPeriodMs'?: "startPeriodMs";
}
