// Original file: proto/dispatcher.proto


export interface LogChunk {
  'requestId'?: (string);
  'taskId'?: (string);
  'stream'?: (string);
  'lines'?: (string)[];
  'end'?: (boolean);
  'error'?: (string);
}

export interface LogChunk__Output {
  'requestId': (string);
  'taskId': (string);
  'stream': (string);
  'lines': (string)[];
  'end': (boolean);
  'error': (string);
}
