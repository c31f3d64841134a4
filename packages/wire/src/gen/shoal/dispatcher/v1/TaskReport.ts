// Original file: proto/dispatcher.proto


export interface TaskReport {
  'taskId'?: (string);
  'state'?: (string);
  'message'?: (string);
  'error'?: (string);
  'hasExitCode'?: (boolean);
  'exitCode'?: (number);
  'runtimeId'?: (string);
  'health'?: (string);
}

export interface TaskReport__Output {
  'taskId': (string);
  'state': (string);
  'message': (string);
  'error': (string);
  'hasExitCode': (boolean);
  'exitCode': (number);
  'runtimeId': (string);
  'health': (string);
}
