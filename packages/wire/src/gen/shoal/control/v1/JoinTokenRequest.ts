// Original file: proto/control.proto


export interface JoinTokenRequest {
  'role'?: (string);
  'rotate'?: (boolean);
}

export interface JoinTokenRequest__Output {
  'role': (string);
  'rotate': (boolean);
}
