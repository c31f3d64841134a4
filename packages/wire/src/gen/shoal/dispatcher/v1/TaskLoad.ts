// Original file: proto/dispatcher.proto

import type { Long } from '@grpc/proto-loader';

export interface TaskLoad {
  'taskId'?: (string);
  'cpuPercent'?: (number | string);
  'openConnections'?: (number);
  'totalConnections'?: (number | string | Long);
  'bytesIn'?: (number | string | Long);
  'bytesOut'?: (number | string | Long);
  'connectErrors'?: (number | string | Long);
}

export interface TaskLoad__Output {
  'taskId': (string);
  'cpuPercent': (number);
  'openConnections': (number);
  'totalConnections': (string);
  'bytesIn': (string);
  'bytesOut': (string);
  'connectErrors': (string);
}
