// Original file: proto/control.proto


export interface CaStatusRequest {
}

export interface CaStatusRequest__Output {
}
