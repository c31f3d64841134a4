// Original file: proto/control.proto


export interface ReadOptions {
  'stale'?: (boolean);
}

export interface ReadOptions__Output {
  'stale': (boolean);
}
