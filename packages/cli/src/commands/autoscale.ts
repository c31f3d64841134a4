// `shoal service autoscale NAME --min A --max B (--target-cpu P | --target-connections C)`, `--off`,
// and `shoal service events NAME [-f]`: the autoscaler's decisions, followed by polling GetService.
// The rules (min ≤ max, one target, ranges) are the store's, checked here before sending too.

import { autoscaleInputFromWire, autoscaleInputToWire, type WireService__Output } from '@shoal/wire';
import { isStoreError, normalizeAutoscale, type AutoscaleInput } from '@shoal/store';
import { CliError, type ControlConnection } from '../client.js';
import { parseDuration } from '../flag-values.js';
import { printJson, printTable } from '../output.js';

export interface AutoscaleFlags {
  readonly off: boolean;
  readonly min?: number | undefined;
  readonly max?: number | undefined;
  readonly targetCpu?: string | undefined;
  readonly targetConnections?: string | undefined;
  readonly scaleUpWindow?: string | undefined;
  readonly scaleDownWindow?: string | undefined;
  readonly tolerance?: string | undefined;
}

/** The flags as the store's input; throws CliError (USAGE) on anything the leader would refuse. */
export function autoscaleInputFromFlags(f: AutoscaleFlags): AutoscaleInput | null {
  const given = (['min', 'max', 'targetCpu', 'targetConnections', 'scaleUpWindow', 'scaleDownWindow', 'tolerance'] as const).filter((k) => f[k] !== undefined);
  if (f.off) {
    if (given.length > 0) throw new CliError(`--off removes autoscaling; leave out the other flags (got ${given.map(flagName).join(', ')})`, 'USAGE');
    return null;
  }
  const number = (v: string | undefined, flag: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(String(v).trim().replace(/%$/, ''));
    if (String(v).trim() === '' || !Number.isFinite(n)) throw new CliError(`${flag} wants a number like 50 (got "${v}")`, 'USAGE');
    return n;
  };
  const input: AutoscaleInput = {
    ...(f.min !== undefined ? { minReplicas: f.min } : {}),
    ...(f.max !== undefined ? { maxReplicas: f.max } : {}),
    ...(f.targetCpu !== undefined ? { targetCpuPercent: number(f.targetCpu, '--target-cpu') } : {}),
    ...(f.targetConnections !== undefined ? { targetConnections: number(f.targetConnections, '--target-connections') } : {}),
    ...(f.scaleUpWindow !== undefined ? { scaleUpWindowMs: parseDuration(f.scaleUpWindow, '--scale-up-window') } : {}),
    ...(f.scaleDownWindow !== undefined ? { scaleDownWindowMs: parseDuration(f.scaleDownWindow, '--scale-down-window') } : {}),
    ...(f.tolerance !== undefined ? { tolerance: number(f.tolerance, '--tolerance') } : {}),
  };
  // "both targets" before "0 is not a target": the store reads a 0 target as "not given".
  if (f.targetCpu !== undefined && f.targetConnections !== undefined) {
    throw new CliError('give one target, --target-cpu or --target-connections, not both', 'USAGE');
  }
  try {
    normalizeAutoscale(input);
  } catch (e) {
    if (isStoreError(e)) throw new CliError(e.message, 'USAGE');
    throw e;
  }
  return input;
}

function flagName(k: string): string {
  return `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

export async function serviceAutoscale(conn: ControlConnection, ref: string, flags: AutoscaleFlags, o: { json: boolean }): Promise<void> {
  const input = autoscaleInputFromFlags(flags);
  const s = await conn.call('AutoscaleService', { service: ref, ...(input ? { autoscale: autoscaleInputToWire(input) } : {}) }, { write: true });
  const view = autoscaleView(s);
  if (o.json) return printJson({ id: s.id, name: s.name, autoscale: view });
  if (!view) {
    process.stdout.write(`${s.name}: autoscaling off (stays at its current replica count)\n`);
    return;
  }
  const c = view.config;
  const target = c.metric === 'cpu' ? `${c.target}% CPU per task` : `${c.target} open connections per task`;
  process.stdout.write(
    `${s.name}: autoscaling ${c.minReplicas}..${c.maxReplicas} replicas for ${target} ` +
      `(scale up after ${c.scaleUpWindowMs / 1000}s, down after ${c.scaleDownWindowMs / 1000}s, tolerance ${c.tolerance})\n`,
  );
}

/** What `service inspect` shows under "autoscale": the config in the store's form and the decisions. */
export function autoscaleView(s: WireService__Output) {
  if (!s.autoscale) return null;
  return { config: normalizeAutoscale(autoscaleInputFromWire(s.autoscale)), decisions: decisionsOf(s) };
}

function decisionsOf(s: WireService__Output) {
  return (s.autoscaleStatus?.decisions ?? []).map((d) => ({ at: d.at, fromReplicas: d.fromReplicas, toReplicas: d.toReplicas, reason: d.reason }));
}

/** How often `service events -f` asks for new decisions. */
const EVENTS_POLL_MS = 1_000;

/**
 * `shoal service events NAME`: the autoscaler's recorded decisions; with --follow, then each
 * new one as it is recorded (polling GetService) until interrupted.
 */
export async function serviceEvents(conn: ControlConnection, ref: string, o: { follow: boolean; json: boolean; stale: boolean }): Promise<void> {
  let seen = new Set<string>();
  const print = (s: WireService__Output, first: boolean): void => {
    const fresh = decisionsOf(s).filter((d) => !seen.has(key(d)));
    seen = new Set(decisionsOf(s).map(key));
    if (o.json) {
      for (const d of fresh) process.stdout.write(`${JSON.stringify({ service: s.name, ...d })}\n`);
    } else if (first && !o.follow) {
      printTable(
        ['TIME', 'FROM', 'TO', 'REASON'],
        fresh.map((d) => [d.at, d.fromReplicas, d.toReplicas, d.reason]),
      );
    } else {
      for (const d of fresh) process.stdout.write(`${d.at}  ${s.name}  ${d.fromReplicas} -> ${d.toReplicas}  ${d.reason}\n`);
    }
  };
  const first = await conn.call('GetService', { service: ref, read: { stale: o.stale } });
  if (!first.autoscale && !o.follow && !first.autoscaleStatus?.decisions.length) {
    process.stderr.write(
      `${first.name} is not autoscaled: no decisions (set it up with \`shoal service autoscale ${first.name} --min A --max B --target-cpu P\`)\n`,
    );
    return;
  }
  print(first, true);
  if (!o.follow) return;
  let stopped = false;
  const stop = (): void => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  try {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, EVENTS_POLL_MS));
      if (stopped) break;
      print(await conn.call('GetService', { service: first.id, read: { stale: o.stale } }), false);
    }
  } finally {
    process.off('SIGINT', stop);
  }
}

function key(d: { at: string; fromReplicas: number; toReplicas: number }): string {
  return `${d.at} ${d.fromReplicas} ${d.toReplicas}`;
}
