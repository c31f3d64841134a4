// Original file: proto/control.proto


export interface PeerManager {
  'id'?: (string);
  'addr'?: (string);
}

export interface PeerManager__Output {
  'id': (string);
  'addr': (string);
}
