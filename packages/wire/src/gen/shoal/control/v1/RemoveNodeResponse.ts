// Original file: proto/control.proto


export interface RemoveNodeResponse {
}

export interface RemoveNodeResponse__Output {
}
