// Original file: proto/control.proto


export interface RaftSettings {
  'tickMs'?: (number);
  'heartbeatTicks'?: (number);
  'electionTicks'?: (number);
  'snapshotEvery'?: (number);
}

export interface RaftSettings__Output {
  'tickMs': (number);
  'heartbeatTicks': (number);
  'electionTicks': (number);
  'snapshotEvery': (number);
}
