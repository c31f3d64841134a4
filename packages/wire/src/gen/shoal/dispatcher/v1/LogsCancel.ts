// Original file: proto/dispatcher.proto


export interface LogsCancel {
  'requestId'?: (string);
}

export interface LogsCancel__Output {
  'requestId': (string);
}
