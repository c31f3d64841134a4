// Original file: proto/control.proto


export interface RenewCertificateRequest {
  'csr'?: (string);
}

export interface RenewCertificateRequest__Output {
  'csr': (string);
}
