// Original file: proto/dispatcher.proto


export interface Goodbye {
  'reason'?: (string);
  'backWithinMs'?: (number);
}

export interface Goodbye__Output {
  'reason': (string);
  'backWithinMs': (number);
}
