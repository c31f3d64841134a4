// Original file: proto/control.proto

import type { CaRotationNode as _shoal_control_v1_CaRotationNode, CaRotationNode__Output as _shoal_control_v1_CaRotationNode__Output } from '../../../shoal/control/v1/CaRotationNode.js';

export interface CaStatusResponse {
  'caDigest'?: (string);
  'rotating'?: (boolean);
  'newCaDigest'?: (string);
  'startedAt'?: (string);
  'renewed'?: (number);
  'waiting'?: (_shoal_control_v1_CaRotationNode)[];
  'caCertificate'?: (string);
}

export interface CaStatusResponse__Output {
  'caDigest': (string);
  'rotating': (boolean);
  'newCaDigest': (string);
  'startedAt': (string);
  'renewed': (number);
  'waiting': (_shoal_control_v1_CaRotationNode__Output)[];
  'caCertificate': (string);
}
