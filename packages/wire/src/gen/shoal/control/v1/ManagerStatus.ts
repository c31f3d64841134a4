// Original file: proto/control.proto


export interface ManagerStatus {
  'leader'?: (boolean);
  'reachability'?: (string);
  'addr'?: (string);
  'raftRole'?: (string);
}

export interface ManagerStatus__Output {
  'leader': (boolean);
  'reachability': (string);
  'addr': (string);
  'raftRole': (string);
}
