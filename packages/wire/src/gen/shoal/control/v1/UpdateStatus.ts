// Original file: proto/control.proto


export interface UpdateStatus {
  'state'?: (string);
  'message'?: (string);
  'startedAt'?: (string);
  'completedAt'?: (string);
  'canary'?: (number);
  'updated'?: (number);
  'total'?: (number);
  'failed'?: (number);
}

export interface UpdateStatus__Output {
  'state': (string);
  'message': (string);
  'startedAt': (string);
  'completedAt': (string);
  'canary': (number);
  'updated': (number);
  'total': (number);
  'failed': (number);
}
