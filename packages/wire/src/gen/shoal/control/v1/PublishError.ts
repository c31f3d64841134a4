// Original file: proto/control.proto


export interface PublishError {
  'published'?: (number);
  'nodeId'?: (string);
  'nodeName'?: (string);
  'error'?: (string);
}

export interface PublishError__Output {
  'published': (number);
  'nodeId': (string);
  'nodeName': (string);
  'error': (string);
}
