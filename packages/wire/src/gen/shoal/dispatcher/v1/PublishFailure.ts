// Original file: proto/dispatcher.proto


export interface PublishFailure {
  'published'?: (number);
  'error'?: (string);
}

export interface PublishFailure__Output {
  'published': (number);
  'error': (string);
}
