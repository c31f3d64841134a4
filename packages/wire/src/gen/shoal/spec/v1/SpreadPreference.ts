// Original file: proto/spec.proto


export interface SpreadPreference {
  'spread'?: (string);
  '_spread'?: "spread";
}

export interface SpreadPreference__Output {
  'spread'?: (string);
  '_spread'?: "spread";
}
