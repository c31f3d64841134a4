// Original file: proto/control.proto


export interface AutoscaleDecision {
  'at'?: (string);
  'fromReplicas'?: (number);
  'toReplicas'?: (number);
  'reason'?: (string);
}

export interface AutoscaleDecision__Output {
  'at': (string);
  'fromReplicas': (number);
  'toReplicas': (number);
  'reason': (string);
}
