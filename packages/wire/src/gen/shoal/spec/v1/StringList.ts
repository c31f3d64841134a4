// Original file: proto/spec.proto


export interface StringList {
  'items'?: (string)[];
}

export interface StringList__Output {
  'items': (string)[];
}
