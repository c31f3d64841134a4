// Original file: proto/spec.proto


export interface StringMap {
  'entries'?: ({[key: string]: string});
}

export interface StringMap__Output {
  'entries': ({[key: string]: string});
}
