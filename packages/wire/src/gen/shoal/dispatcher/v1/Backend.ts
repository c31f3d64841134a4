// Original file: proto/dispatcher.proto


export interface Backend {
  'host'?: (string);
  'port'?: (number);
  'taskId'?: (string);
}

export interface Backend__Output {
  'host': (string);
  'port': (number);
  'taskId': (string);
}
