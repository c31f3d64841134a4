// Original file: proto/raft.proto

import type { MessageType as _shoal_raft_v1_MessageType, MessageType__Output as _shoal_raft_v1_MessageType__Output } from '../../../shoal/raft/v1/MessageType.js';
import type { Entry as _shoal_raft_v1_Entry, Entry__Output as _shoal_raft_v1_Entry__Output } from '../../../shoal/raft/v1/Entry.js';
import type { Long } from '@grpc/proto-loader';

export interface Message {
  'type'?: (_shoal_raft_v1_MessageType);
  'from'?: (string);
  'to'?: (string);
  'term'?: (number | string | Long);
  'logTerm'?: (number | string | Long);
  'index'?: (number | string | Long);
  'entries'?: (_shoal_raft_v1_Entry)[];
  'commit'?: (number | string | Long);
  'reject'?: (boolean);
  'rejectHint'?: (number | string | Long);
  'context'?: (string);
}

export interface Message__Output {
  'type': (_shoal_raft_v1_MessageType__Output);
  'from': (string);
  'to': (string);
  'term': (string);
  'logTerm': (string);
  'index': (string);
  'entries': (_shoal_raft_v1_Entry__Output)[];
  'commit': (string);
  'reject': (boolean);
  'rejectHint': (string);
  'context': (string);
}
