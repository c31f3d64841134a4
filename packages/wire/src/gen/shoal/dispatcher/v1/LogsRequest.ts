// Original file: proto/dispatcher.proto


export interface LogsRequest {
  'requestId'?: (string);
  'taskIds'?: (string)[];
  'follow'?: (boolean);
  'tail'?: (number);
}

export interface LogsRequest__Output {
  'requestId': (string);
  'taskIds': (string)[];
  'follow': (boolean);
  'tail': (number);
}
