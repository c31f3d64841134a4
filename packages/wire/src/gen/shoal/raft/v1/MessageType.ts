// Original file: proto/raft.proto

export const MessageType = {
  MESSAGE_TYPE_UNSPECIFIED: 'MESSAGE_TYPE_UNSPECIFIED',
  APP: 'APP',
  APP_RESP: 'APP_RESP',
  VOTE: 'VOTE',
  VOTE_RESP: 'VOTE_RESP',
  PRE_VOTE: 'PRE_VOTE',
  PRE_VOTE_RESP: 'PRE_VOTE_RESP',
  SNAP: 'SNAP',
  HEARTBEAT: 'HEARTBEAT',
  HEARTBEAT_RESP: 'HEARTBEAT_RESP',
  TRANSFER_LEADER: 'TRANSFER_LEADER',
  TIMEOUT_NOW: 'TIMEOUT_NOW',
  READ_INDEX: 'READ_INDEX',
  READ_INDEX_RESP: 'READ_INDEX_RESP',
} as const;

export type MessageType =
  | 'MESSAGE_TYPE_UNSPECIFIED'
  | 0
  | 'APP'
  | 10
  | 'APP_RESP'
  | 11
  | 'VOTE'
  | 12
  | 'VOTE_RESP'
  | 13
  | 'PRE_VOTE'
  | 14
  | 'PRE_VOTE_RESP'
  | 15
  | 'SNAP'
  | 16
  | 'HEARTBEAT'
  | 17
  | 'HEARTBEAT_RESP'
  | 18
  | 'TRANSFER_LEADER'
  | 19
  | 'TIMEOUT_NOW'
  | 20
  | 'READ_INDEX'
  | 21
  | 'READ_INDEX_RESP'
  | 22

export type MessageType__Output = typeof MessageType[keyof typeof MessageType]
