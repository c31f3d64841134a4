// Original file: proto/control.proto

import type { ManagerInfo as _shoal_control_v1_ManagerInfo, ManagerInfo__Output as _shoal_control_v1_ManagerInfo__Output } from '../../../shoal/control/v1/ManagerInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface ClusterInfoResponse {
  'clusterId'?: (string);
  'leader'?: (string);
  'term'?: (number | string | Long);
  'commitIndex'?: (number | string | Long);
  'appliedIndex'?: (number | string | Long);
  'managers'?: (_shoal_control_v1_ManagerInfo)[];
  'answeredBy'?: (string);
  'voters'?: (number);
  'quorum'?: (number);
  'reachableVoters'?: (number);
  'warnings'?: (string)[];
  'leaderAddr'?: (string);
  'storeDigest'?: (string);
}

export interface ClusterInfoResponse__Output {
  'clusterId': (string);
  'leader': (string);
  'term': (string);
  'commitIndex': (string);
  'appliedIndex': (string);
  'managers': (_shoal_control_v1_ManagerInfo__Output)[];
  'answeredBy': (string);
  'voters': (number);
  'quorum': (number);
  'reachableVoters': (number);
  'warnings': (string)[];
  'leaderAddr': (string);
  'storeDigest': (string);
}
