// Join tokens, Swarm-style: SWMTKN-1-<ca digest>-<secret>.
//
// The digest (sha256 of the CA certificate, 64 lowercase hex) lets a joining node pin the CA
// before it trusts anything the manager says; the secret (25 base-36 characters, ~129 bits)
// is what the manager checks. Manager and worker tokens differ only in their secret.

import { createHash, timingSafeEqual } from 'node:crypto';
import { randomId } from '@shoal/store';

export const TOKEN_PREFIX = 'SWMTKN';
export const TOKEN_VERSION = '1';
export const SECRET_LENGTH = 25;
const DIGEST_LENGTH = 64;
const SHAPE = `${TOKEN_PREFIX}-${TOKEN_VERSION}-<64 hex>-<${SECRET_LENGTH} chars>`;

export interface JoinToken {
  readonly caDigest: string;
  readonly secret: string;
}

export class JoinTokenError extends Error {
  readonly code = 'INVALID_JOIN_TOKEN';
  constructor(message: string) {
    super(message);
    this.name = 'JoinTokenError';
  }
}

export function newTokenSecret(): string {
  return randomId(SECRET_LENGTH);
}

export function formatJoinToken(caDigest: string, secret: string): string {
  const token = `${TOKEN_PREFIX}-${TOKEN_VERSION}-${caDigest}-${secret}`;
  parseJoinToken(token); // never hand out a token we would refuse
  return token;
}

export function parseJoinToken(token: string): JoinToken {
  // Tokens are pasted from terminals; surrounding whitespace is never part of one.
  const t = typeof token === 'string' ? token.trim() : '';
  if (t === '') throw new JoinTokenError(`the join token is empty: expected ${SHAPE}`);
  const parts = t.split('-');
  if (parts[0] !== TOKEN_PREFIX || parts.length < 2) {
    throw new JoinTokenError(`not a shoal join token: expected ${SHAPE}`);
  }
  if (parts[1] !== TOKEN_VERSION) {
    throw new JoinTokenError(
      `unsupported join token version "${parts[1]}": this shoal reads version ${TOKEN_VERSION} (${SHAPE}); ask a manager for a current one (\`shoal join-token worker|manager\`)`,
    );
  }
  if (parts.length !== 4) {
    throw new JoinTokenError(`malformed join token: expected 4 parts separated by '-' (${SHAPE}), got ${parts.length}`);
  }
  const caDigest = parts[2] ?? '';
  const secret = parts[3] ?? '';
  if (caDigest.length !== DIGEST_LENGTH) {
    throw new JoinTokenError(
      `bad join token: the CA digest must be ${DIGEST_LENGTH} hex characters, got ${caDigest.length} (was the token cut off when copied?)`,
    );
  }
  const badHex = /[^0-9a-f]/.exec(caDigest);
  if (badHex) throw new JoinTokenError(`bad join token: the CA digest must be lowercase hex (0-9, a-f), found "${badHex[0]}"`);
  if (secret.length !== SECRET_LENGTH) {
    throw new JoinTokenError(`bad join token: the secret must be ${SECRET_LENGTH} characters, got ${secret.length} (was the token cut off when copied?)`);
  }
  const badSecret = /[^a-z0-9]/.exec(secret);
  if (badSecret) throw new JoinTokenError(`bad join token: the secret must be lowercase letters and digits, found "${badSecret[0]}"`);
  return { caDigest, secret };
}

/**
 * Constant-time comparison. Both sides are hashed first so that the comparison runs on equal
 * lengths and does not reveal the expected secret's length either.
 */
export function tokenMatches(expectedSecret: string, presentedSecret: string): boolean {
  const a = createHash('sha256').update(expectedSecret, 'utf8').digest();
  const b = createHash('sha256').update(presentedSecret, 'utf8').digest();
  return timingSafeEqual(a, b);
}
