// Original file: proto/control.proto


export interface JoinTokenResponse {
  'token'?: (string);
  'role'?: (string);
}

export interface JoinTokenResponse__Output {
  'token': (string);
  'role': (string);
}
