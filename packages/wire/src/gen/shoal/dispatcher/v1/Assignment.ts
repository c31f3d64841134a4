// Original file: proto/dispatcher.proto


export interface Assignment {
  'taskId'?: (string);
  'desiredState'?: (string);
  'taskJson'?: (string);
}

export interface Assignment__Output {
  'taskId': (string);
  'desiredState': (string);
  'taskJson': (string);
}
