// Original file: proto/control.proto


export interface ServiceLogLine {
  'taskId'?: (string);
  'taskName'?: (string);
  'nodeId'?: (string);
  'stream'?: (string);
  'line'?: (string);
}

export interface ServiceLogLine__Output {
  'taskId': (string);
  'taskName': (string);
  'nodeId': (string);
  'stream': (string);
  'line': (string);
}
