// Original file: proto/control.proto


export interface RemoveNodeRequest {
  'node'?: (string);
  'force'?: (boolean);
}

export interface RemoveNodeRequest__Output {
  'node': (string);
  'force': (boolean);
}
