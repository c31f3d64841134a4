// Original file: proto/dispatcher.proto


export interface SessionConfig {
  'nodeId'?: (string);
  'heartbeatMs'?: (number);
  'managers'?: (string)[];
  'caCertificates'?: (string);
}

export interface SessionConfig__Output {
  'nodeId': (string);
  'heartbeatMs': (number);
  'managers': (string)[];
  'caCertificates': (string);
}
