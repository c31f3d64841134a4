// Original file: proto/control.proto


export interface RenewCertificateResponse {
  'certificate'?: (string);
  'caCertificate'?: (string);
}

export interface RenewCertificateResponse__Output {
  'certificate': (string);
  'caCertificate': (string);
}
