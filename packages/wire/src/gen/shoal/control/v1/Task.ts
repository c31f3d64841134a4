// Original file: proto/control.proto

import type { Long } from '@grpc/proto-loader';

export interface Task {
  'id'?: (string);
  'name'?: (string);
  'serviceId'?: (string);
  'serviceName'?: (string);
  'slot'?: (number);
  'nodeId'?: (string);
  'nodeName'?: (string);
  'desiredState'?: (string);
  'state'?: (string);
  'message'?: (string);
  'error'?: (string);
  'hasExitCode'?: (boolean);
  'exitCode'?: (number);
  'port'?: (number);
  'updatedAt'?: (string);
  'serviceVersion'?: (number | string | Long);
  'health'?: (string);
  'createdAt'?: (string);
  'specVersion'?: (number | string | Long);
}

export interface Task__Output {
  'id': (string);
  'name': (string);
  'serviceId': (string);
  'serviceName': (string);
  'slot': (number);
  'nodeId': (string);
  'nodeName': (string);
  'desiredState': (string);
  'state': (string);
  'message': (string);
  'error': (string);
  'hasExitCode': (boolean);
  'exitCode': (number);
  'port': (number);
  'updatedAt': (string);
  'serviceVersion': (string);
  'health': (string);
  'createdAt': (string);
  'specVersion': (string);
}
