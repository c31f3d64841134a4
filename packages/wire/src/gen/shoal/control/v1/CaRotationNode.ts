// Original file: proto/control.proto


export interface CaRotationNode {
  'id'?: (string);
  'name'?: (string);
  'role'?: (string);
  'state'?: (string);
}

export interface CaRotationNode__Output {
  'id': (string);
  'name': (string);
  'role': (string);
  'state': (string);
}
