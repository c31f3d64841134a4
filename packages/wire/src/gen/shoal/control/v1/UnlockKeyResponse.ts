// Original file: proto/control.proto


export interface UnlockKeyResponse {
  'unlockKey'?: (string);
}

export interface UnlockKeyResponse__Output {
  'unlockKey': (string);
}
