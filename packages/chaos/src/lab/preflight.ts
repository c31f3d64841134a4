// Whether this machine can host the lab: root, the ip/iptables/tc tools and network
// namespaces that really work (a container may forbid them even to root).

import { sh, shTry } from './sh.js';

/** Why the lab cannot run here, or undefined when it can. */
export function labUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'the chaos lab needs root (network namespaces, iptables, tmpfs mounts): run it as root or with sudo';
  for (const tool of ['ip', 'iptables', 'tc']) {
    if (shTry(tool, ['-V']).code === 127 && shTry(tool, ['--version']).code === 127)
      return `\`${tool}\` is missing: install iproute2 and iptables (apt-get install iproute2 iptables)`;
  }
  const probe = `shc-probe-${process.pid}`;
  try {
    sh('ip', ['netns', 'add', probe]);
  } catch (e) {
    return `cannot create a network namespace (${(e as Error).message})`;
  }
  try {
    const r = shTry('ip', ['netns', 'exec', probe, 'iptables', '-L', 'INPUT', '-n']);
    if (r.code !== 0) return `iptables does not work inside a network namespace: ${r.stderr.trim()}`;
  } finally {
    shTry('ip', ['netns', 'del', probe]);
  }
  return undefined;
}
