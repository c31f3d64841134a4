// Original file: proto/control.proto

import type { PeerManager as _shoal_control_v1_PeerManager, PeerManager__Output as _shoal_control_v1_PeerManager__Output } from '../../../shoal/control/v1/PeerManager.js';
import type { RaftSettings as _shoal_control_v1_RaftSettings, RaftSettings__Output as _shoal_control_v1_RaftSettings__Output } from '../../../shoal/control/v1/RaftSettings.js';

export interface JoinResponse {
  'nodeId'?: (string);
  'clusterId'?: (string);
  'role'?: (string);
  'certificate'?: (string);
  'caCertificate'?: (string);
  'managers'?: (_shoal_control_v1_PeerManager)[];
  'raft'?: (_shoal_control_v1_RaftSettings | null);
  'incarnation'?: (string);
  'unlockKey'?: (string);
}

export interface JoinResponse__Output {
  'nodeId': (string);
  'clusterId': (string);
  'role': (string);
  'certificate': (string);
  'caCertificate': (string);
  'managers': (_shoal_control_v1_PeerManager__Output)[];
  'raft': (_shoal_control_v1_RaftSettings__Output | null);
  'incarnation': (string);
  'unlockKey': (string);
}
