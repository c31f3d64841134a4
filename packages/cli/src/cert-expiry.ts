// --cert-expiry: how long node certificates are valid (`manager init`, `cluster update`).

import { CliError } from './errors.js';

/** The bounds the managers accept (the store's CERT_EXPIRY_RANGE): 30 s to 5 years. */
const MIN_SECONDS = 30;
const MAX_SECONDS = 5 * 365 * 86_400;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** "90d", "12h", "30m", "45s" (or plain seconds) → whole seconds, within the accepted range. */
export function parseCertExpiry(v: string, flag = '--cert-expiry'): number {
  const m = /^(\d+)([smhd])?$/.exec(v.trim());
  if (!m) throw new CliError(`${flag} wants a whole number with a unit s, m, h or d, e.g. 90d, 12h or 30s (got "${v}")`, 'USAGE');
  const seconds = Number(m[1]) * UNIT_SECONDS[(m[2] ?? 's') as keyof typeof UNIT_SECONDS];
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw new CliError(`${flag} must be from 30s to ${MAX_SECONDS / 86_400}d (got ${v})`, 'USAGE');
  }
  return seconds;
}

/** Seconds in the largest unit that divides them: 7776000 → "90d". */
export function formatCertExpiry(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
