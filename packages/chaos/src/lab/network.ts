// The lab's network: a hub namespace holding a bridge, and one namespace per node joined to it
// by a veth pair, with addresses from one private /24 that exists only inside these
// namespaces (the root namespace gets no address and no route). Faults are iptables rules and
// qdiscs inside the node namespaces; heal() removes them all.

import { listNamespaces, nsSh, nsShTry, sh, shTry } from './sh.js';

/** The lab's private /24: it exists only inside the lab's namespaces. */
export const LAB_SUBNET = '10.213.12';

export interface LabHost {
  /** m1, w1, client… */
  readonly name: string;
  /** Its namespace: `<prefix>-<name>`. */
  readonly ns: string;
  /** Its address inside the lab. */
  readonly ip: string;
}

/** How added latency and loss are made: netem when the kernel has it, else iptables + tbf. */
export type NetemMode = 'netem' | 'iptables-statistic+tbf';

export class LabNetwork {
  readonly hosts = new Map<string, LabHost>();
  readonly hub: string;
  private netemModeCache: NetemMode | undefined;

  /** `prefix` names every namespace (e.g. shc-<runid>); it must be unique per run. */
  constructor(readonly prefix: string) {
    this.hub = `${prefix}-hub`;
  }

  /** Creates the hub and its bridge. */
  createHub(): void {
    sh('ip', ['netns', 'add', this.hub]);
    nsSh(this.hub, 'ip', ['link', 'set', 'lo', 'up']);
    nsSh(this.hub, 'ip', ['link', 'add', 'br0', 'type', 'bridge']);
    nsSh(this.hub, 'ip', ['link', 'set', 'br0', 'up']);
  }

  /** Creates node `name`'s namespace with address LAB_SUBNET.<octet> on its eth0. */
  addHost(name: string, octet: number): LabHost {
    if (octet < 2 || octet > 254) throw new Error(`host octet ${octet} is outside 2..254`);
    const host: LabHost = { name, ns: `${this.prefix}-${name}`, ip: `${LAB_SUBNET}.${octet}` };
    const hubEnd = `v-${name}`;
    if (hubEnd.length > 15) throw new Error(`interface name ${hubEnd} is longer than 15 characters: use a shorter node name`);
    sh('ip', ['netns', 'add', host.ns]);
    this.hosts.set(name, host);
    // Both ends are made inside the namespaces: nothing appears in the root namespace.
    nsSh(this.hub, 'ip', ['link', 'add', hubEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host.ns]);
    nsSh(this.hub, 'ip', ['link', 'set', hubEnd, 'master', 'br0']);
    nsSh(this.hub, 'ip', ['link', 'set', hubEnd, 'up']);
    nsSh(host.ns, 'ip', ['link', 'set', 'lo', 'up']);
    nsSh(host.ns, 'ip', ['addr', 'add', `${host.ip}/24`, 'dev', 'eth0']);
    nsSh(host.ns, 'ip', ['link', 'set', 'eth0', 'up']);
    return host;
  }

  host(name: string): LabHost {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no lab host ${name} (hosts: ${[...this.hosts.keys()].join(', ')})`);
    return h;
  }

  /** Drops every packet `from` sends to `to` (a one-way cut; call twice for both ways). */
  dropOneWay(from: string, to: string): void {
    const a = this.host(from);
    const b = this.host(to);
    nsSh(a.ns, 'iptables', ['-A', 'OUTPUT', '-d', b.ip, '-j', 'DROP']);
    nsSh(b.ns, 'iptables', ['-A', 'INPUT', '-s', a.ip, '-j', 'DROP']);
  }

  /** Cuts `a` and `b` apart both ways. */
  cut(a: string, b: string): void {
    this.dropOneWay(a, b);
    this.dropOneWay(b, a);
  }

  /** Whether the kernel has the netem qdisc (probed once, on the hub's loopback). */
  netemMode(): NetemMode {
    if (!this.netemModeCache) {
      const r = nsShTry(this.hub, 'tc', ['qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms']);
      if (r.code === 0) nsShTry(this.hub, 'tc', ['qdisc', 'del', 'dev', 'lo', 'root']);
      this.netemModeCache = r.code === 0 ? 'netem' : 'iptables-statistic+tbf';
    }
    return this.netemModeCache;
  }

  /**
   * Adds latency and loss to everything `name` sends and receives: netem on its eth0 when the
   * kernel has it; otherwise random iptables drops and a tbf throttle whose queue delays bursts.
   */
  degrade(name: string, o: { delayMs: number; lossPercent: number }): NetemMode {
    const h = this.host(name);
    const mode = this.netemMode();
    if (mode === 'netem') {
      nsSh(h.ns, 'tc', [
        'qdisc',
        'add',
        'dev',
        'eth0',
        'root',
        'netem',
        'delay',
        `${o.delayMs}ms`,
        `${Math.round(o.delayMs / 4)}ms`,
        'loss',
        `${o.lossPercent}%`,
      ]);
    } else {
      if (o.lossPercent > 0) {
        const p = (o.lossPercent / 100).toFixed(3);
        nsSh(h.ns, 'iptables', ['-A', 'INPUT', '-i', 'eth0', '-m', 'statistic', '--mode', 'random', '--probability', p, '-j', 'DROP']);
        nsSh(h.ns, 'iptables', ['-A', 'OUTPUT', '-o', 'eth0', '-m', 'statistic', '--mode', 'random', '--probability', p, '-j', 'DROP']);
      }
      // A slow link: bursts wait in tbf's queue up to delayMs before it drops them.
      nsSh(h.ns, 'tc', ['qdisc', 'add', 'dev', 'eth0', 'root', 'tbf', 'rate', '256kbit', 'burst', '4kb', 'latency', `${o.delayMs}ms`]);
    }
    return mode;
  }

  /** Removes every fault: iptables rules and qdiscs in every node namespace. */
  heal(): void {
    for (const h of this.hosts.values()) {
      nsShTry(h.ns, 'iptables', ['-F']);
      nsShTry(h.ns, 'tc', ['qdisc', 'del', 'dev', 'eth0', 'root']);
    }
  }

  /** Deletes every namespace (veths, rules and the bridge go with them). */
  destroy(): void {
    for (const h of this.hosts.values()) shTry('ip', ['netns', 'del', h.ns]);
    shTry('ip', ['netns', 'del', this.hub]);
    // Anything under our prefix that a half-made setup left behind.
    for (const ns of listNamespaces()) if (ns.startsWith(`${this.prefix}-`)) shTry('ip', ['netns', 'del', ns]);
    this.hosts.clear();
  }
}
