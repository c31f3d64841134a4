// Where a manager serves /metrics by default, and the warning when that is beyond this machine
// (metrics-address.ts).

import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { defaultMetricsAddr, isLoopbackHost, warnIfMetricsExposed } from '../src/metrics-address.js';

/** A pino logger whose lines land in `lines`. */
function captureLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('metrics address', () => {
  it('defaults to loopback, port + 1000, whatever the listen host', () => {
    expect(defaultMetricsAddr('128.0.0.1:4242')).toBe('127.0.0.1:5242');
    expect(defaultMetricsAddr('0.0.0.0:4242')).toBe('127.0.0.1:5242');
    expect(defaultMetricsAddr('[::]:4242')).toBe('127.0.0.1:5242');
    expect(defaultMetricsAddr('node1.example.com:4242')).toBe('127.0.0.1:5242');
    // A loopback listen host is kept: managers sharing a machine on 127.0.0.21, .22 stay apart.
    expect(defaultMetricsAddr('127.0.0.21:4242')).toBe('127.0.0.21:5242');
    expect(defaultMetricsAddr('[::1]:4242')).toBe('[::1]:5242');
    expect(defaultMetricsAddr('localhost:4242')).toBe('localhost:5242');
    expect(defaultMetricsAddr('127.0.0.1:65000')).toBe(''); // no port + 1000
  });

  it('tells loopback hosts apart', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '::ffff:127.0.0.1']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '128.0.0.1', 'example.com', '127.0.0.1.example.com', '']) expect(isLoopbackHost(h)).toBe(false);
  });

  it('warns when /metrics is served beyond this machine', () => {
    const { logger, lines } = captureLogger();
    warnIfMetricsExposed(logger, '127.0.0.1:9100');
    warnIfMetricsExposed(logger, '');
    expect(lines).toHaveLength(0);
    warnIfMetricsExposed(logger, '0.0.0.0:9100');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.level).toBe(40);
    expect(lines[0]!.msg).toMatch(/0\.0\.0\.0:9100, which is not a loopback address: it is plain HTTP without authentication/);
  });
});
