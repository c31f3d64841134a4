// Original file: proto/control.proto


export interface ManagerInfo {
  'id'?: (string);
  'name'?: (string);
  'addr'?: (string);
  'reachable'?: (boolean);
  'leader'?: (boolean);
  'raftRole'?: (string);
}

export interface ManagerInfo__Output {
  'id': (string);
  'name': (string);
  'addr': (string);
  'reachable': (boolean);
  'leader': (boolean);
  'raftRole': (string);
}
