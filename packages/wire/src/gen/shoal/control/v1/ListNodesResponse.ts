// Original file: proto/control.proto

import type { Node as _shoal_control_v1_Node, Node__Output as _shoal_control_v1_Node__Output } from '../../../shoal/control/v1/Node.js';

export interface ListNodesResponse {
  'nodes'?: (_shoal_control_v1_Node)[];
}

export interface ListNodesResponse__Output {
  'nodes': (_shoal_control_v1_Node__Output)[];
}
