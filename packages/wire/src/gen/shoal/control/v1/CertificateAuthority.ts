// Original file: proto/control.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CaStatusRequest as _shoal_control_v1_CaStatusRequest, CaStatusRequest__Output as _shoal_control_v1_CaStatusRequest__Output } from '../../../shoal/control/v1/CaStatusRequest.js';
import type { CaStatusResponse as _shoal_control_v1_CaStatusResponse, CaStatusResponse__Output as _shoal_control_v1_CaStatusResponse__Output } from '../../../shoal/control/v1/CaStatusResponse.js';
import type { RenewCertificateRequest as _shoal_control_v1_RenewCertificateRequest, RenewCertificateRequest__Output as _shoal_control_v1_RenewCertificateRequest__Output } from '../../../shoal/control/v1/RenewCertificateRequest.js';
import type { RenewCertificateResponse as _shoal_control_v1_RenewCertificateResponse, RenewCertificateResponse__Output as _shoal_control_v1_RenewCertificateResponse__Output } from '../../../shoal/control/v1/RenewCertificateResponse.js';

export interface CertificateAuthorityClient extends grpc.Client {
  CaStatus(argument: _shoal_control_v1_CaStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_CaStatusResponse__Output>): grpc.ClientUnaryCall;
  CaStatus(argument: _shoal_control_v1_CaStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_CaStatusResponse__Output>): grpc.ClientUnaryCall;
  CaStatus(argument: _shoal_control_v1_CaStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_CaStatusResponse__Output>): grpc.ClientUnaryCall;
  CaStatus(argument: _shoal_control_v1_CaStatusRequest, callback: grpc.requestCallback<_shoal_control_v1_CaStatusResponse__Output>): grpc.ClientUnaryCall;
  caStatus(argument: _shoal_control_v1_CaStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_CaStatusResponse__Output>): grpc.ClientUnaryCall;
  caStatus(argument: _shoal_control_v1_CaStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_CaStatusResponse__Output>): grpc.ClientUnaryCall;
  caStatus(argument: _shoal_control_v1_CaStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_CaStatusResponse__Output>): grpc.ClientUnaryCall;
  caStatus(argument: _shoal_control_v1_CaStatusRequest, callback: grpc.requestCallback<_shoal_control_v1_CaStatusResponse__Output>): grpc.ClientUnaryCall;
  
  RenewCertificate(argument: _shoal_control_v1_RenewCertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  RenewCertificate(argument: _shoal_control_v1_RenewCertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  RenewCertificate(argument: _shoal_control_v1_RenewCertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  RenewCertificate(argument: _shoal_control_v1_RenewCertificateRequest, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  renewCertificate(argument: _shoal_control_v1_RenewCertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  renewCertificate(argument: _shoal_control_v1_RenewCertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  renewCertificate(argument: _shoal_control_v1_RenewCertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  renewCertificate(argument: _shoal_control_v1_RenewCertificateRequest, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  
  RotateAdminCertificate(argument: _shoal_control_v1_RenewCertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  RotateAdminCertificate(argument: _shoal_control_v1_RenewCertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  RotateAdminCertificate(argument: _shoal_control_v1_RenewCertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  RotateAdminCertificate(argument: _shoal_control_v1_RenewCertificateRequest, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  rotateAdminCertificate(argument: _shoal_control_v1_RenewCertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  rotateAdminCertificate(argument: _shoal_control_v1_RenewCertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  rotateAdminCertificate(argument: _shoal_control_v1_RenewCertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  rotateAdminCertificate(argument: _shoal_control_v1_RenewCertificateRequest, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  
  StartCaRotation(argument: _shoal_control_v1_RenewCertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  StartCaRotation(argument: _shoal_control_v1_RenewCertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  StartCaRotation(argument: _shoal_control_v1_RenewCertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  StartCaRotation(argument: _shoal_control_v1_RenewCertificateRequest, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  startCaRotation(argument: _shoal_control_v1_RenewCertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  startCaRotation(argument: _shoal_control_v1_RenewCertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  startCaRotation(argument: _shoal_control_v1_RenewCertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  startCaRotation(argument: _shoal_control_v1_RenewCertificateRequest, callback: grpc.requestCallback<_shoal_control_v1_RenewCertificateResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface CertificateAuthorityHandlers extends grpc.UntypedServiceImplementation {
  CaStatus: grpc.handleUnaryCall<_shoal_control_v1_CaStatusRequest__Output, _shoal_control_v1_CaStatusResponse>;
  
  RenewCertificate: grpc.handleUnaryCall<_shoal_control_v1_RenewCertificateRequest__Output, _shoal_control_v1_RenewCertificateResponse>;
  
  RotateAdminCertificate: grpc.handleUnaryCall<_shoal_control_v1_RenewCertificateRequest__Output, _shoal_control_v1_RenewCertificateResponse>;
  
  StartCaRotation: grpc.handleUnaryCall<_shoal_control_v1_RenewCertificateRequest__Output, _shoal_control_v1_RenewCertificateResponse>;
  
}

export interface CertificateAuthorityDefinition extends grpc.ServiceDefinition {
  CaStatus: MethodDefinition<_shoal_control_v1_CaStatusRequest, _shoal_control_v1_CaStatusResponse, _shoal_control_v1_CaStatusRequest__Output, _shoal_control_v1_CaStatusResponse__Output>
  RenewCertificate: MethodDefinition<_shoal_control_v1_RenewCertificateRequest, _shoal_control_v1_RenewCertificateResponse, _shoal_control_v1_RenewCertificateRequest__Output, _shoal_control_v1_RenewCertificateResponse__Output>
  RotateAdminCertificate: MethodDefinition<_shoal_control_v1_RenewCertificateRequest, _shoal_control_v1_RenewCertificateResponse, _shoal_control_v1_RenewCertificateRequest__Output, _shoal_control_v1_RenewCertificateResponse__Output>
  StartCaRotation: MethodDefinition<_shoal_control_v1_RenewCertificateRequest, _shoal_control_v1_RenewCertificateResponse, _shoal_control_v1_RenewCertificateRequest__Output, _shoal_control_v1_RenewCertificateResponse__Output>
}
