// The error code and the leader's address, written by a manager and read by a client, through
// the one pair of helpers both sides use.

import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { errorMetadata, readErrorCode, readLeaderAddr } from '../src/index.js';

describe('error metadata', () => {
  it('reads back what was written, and nothing when nothing was', () => {
    const err = { metadata: errorMetadata('NOT_LEADER', '127.0.0.2:4242') };
    expect([readErrorCode(err), readLeaderAddr(err)]).toEqual(['NOT_LEADER', '127.0.0.2:4242']);
    const plain = { metadata: errorMetadata('NO_QUORUM') };
    expect([readErrorCode(plain), readLeaderAddr(plain)]).toEqual(['NO_QUORUM', undefined]);
    expect([readErrorCode({ metadata: new grpc.Metadata() }), readErrorCode(undefined), readLeaderAddr(null)]).toEqual([undefined, undefined, undefined]);
  });

  it('uses the keys proto/control.proto documents', () => {
    const md = errorMetadata('NOT_LEADER', 'h:1');
    expect(md.get('shoal-error-code')).toEqual(['NOT_LEADER']);
    expect(md.get('shoal-leader-addr')).toEqual(['h:1']);
  });
});
