// The soak as a picture, hand-written SVG (no plotting dependency): RSS per manager on top,
// the Raft log size (largest among the managers) below, leader kills as red dashed lines.

import type { LeaderKill } from './leader-killer.js';
import type { Sample } from './sampler.js';

const WIDTH = 960;
const PANEL_HEIGHT = 240;
const MARGIN = { left: 70, right: 130, top: 40, bottom: 40 };
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

interface Series {
  readonly label: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten. */
function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((x) => x >= v)!;
}

function panel(top: number, title: string, yLabel: string, series: readonly Series[], kills: readonly LeaderKill[], durationS: number): string {
  const w = WIDTH - MARGIN.left - MARGIN.right;
  const h = PANEL_HEIGHT;
  const yMax = niceCeil(Math.max(1, ...series.flatMap((s) => s.points.map((p) => p[1]).filter(Number.isFinite))));
  const x = (t: number): number => Math.round((MARGIN.left + (t / Math.max(durationS, 1)) * w) * 10) / 10;
  const y = (v: number): number => Math.round((top + h - (v / yMax) * h) * 10) / 10;
  const out: string[] = [];
  out.push(`<text x="${MARGIN.left}" y="${top - 10}" font-size="14" font-weight="bold">${esc(title)}</text>`);
  out.push(`<rect x="${MARGIN.left}" y="${top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + w}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${Number(v.toFixed(1))}</text>`);
  }
  const tickEvery = durationS > 600 ? 120 : durationS > 120 ? 30 : 10;
  for (let t = 0; t <= durationS; t += tickEvery) {
    out.push(`<text x="${x(t)}" y="${top + h + 14}" font-size="11" text-anchor="middle">${t}s</text>`);
  }
  out.push(`<text x="16" y="${top + h / 2}" font-size="12" transform="rotate(-90 16 ${top + h / 2})" text-anchor="middle">${esc(yLabel)}</text>`);
  for (const k of kills) {
    out.push(`<line x1="${x(k.killedAt)}" x2="${x(k.killedAt)}" y1="${top}" y2="${top + h}" stroke="#d62728" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${x(k.killedAt) + 3}" y="${top + 12}" font-size="10" fill="#d62728">kill ${esc(k.manager)}</text>`);
  }
  series.forEach((s, i) => {
    // A gap (manager down, no answer) breaks the line instead of bridging it.
    const path: string[] = [];
    let penDown = false;
    for (const [t, v] of s.points) {
      if (Number.isNaN(v)) penDown = false;
      else {
        path.push(`${penDown ? 'L' : 'M'}${x(t)},${y(v)}`);
        penDown = true;
      }
    }
    out.push(`<path d="${path.join(' ')}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
    out.push(`<rect x="${MARGIN.left + w + 12}" y="${top + i * 18}" width="12" height="3" fill="${s.color}"/>`);
    out.push(`<text x="${MARGIN.left + w + 30}" y="${top + i * 18 + 5}" font-size="11">${esc(s.label)}</text>`);
  });
  return out.join('\n');
}

export function soakSvg(samples: readonly Sample[], kills: readonly LeaderKill[], durationS: number, title: string): string {
  const names = [...new Set(samples.flatMap((s) => s.managers.map((m) => m.name)))];
  const rss: Series[] = names.map((name, i) => ({
    label: name,
    color: COLORS[i % COLORS.length]!,
    points: samples.map((s) => [s.t, s.managers.find((m) => m.name === name)?.rssMiB ?? NaN] as const),
  }));
  const log: Series[] = names.map((name, i) => ({
    label: name,
    color: COLORS[i % COLORS.length]!,
    points: samples.map((s) => [s.t, s.managers.find((m) => m.name === name)?.raft?.logEntries ?? NaN] as const),
  }));
  const height = MARGIN.top + 2 * PANEL_HEIGHT + 3 * MARGIN.bottom;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="20" font-size="15" text-anchor="middle">${esc(title)}</text>`,
    panel(MARGIN.top + 20, 'Manager RSS (MiB)', 'MiB', rss, kills, durationS),
    panel(MARGIN.top + 20 + PANEL_HEIGHT + 2 * MARGIN.bottom, 'Raft log entries on disk (per manager)', 'entries', log, kills, durationS),
    '</svg>',
    '',
  ].join('\n');
}
