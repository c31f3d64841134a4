// Original file: proto/control.proto


export interface UnlockKeyRequest {
  'rotate'?: (boolean);
}

export interface UnlockKeyRequest__Output {
  'rotate': (boolean);
}
