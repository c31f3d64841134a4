// What scripts/docker/entrypoint.sh cannot do in POSIX sh: probe a TCP address, read JSON,
// ask the Docker engine about this container. Installed as /usr/local/lib/shoal/entrypoint-helper.mjs.
//
//   reachable ADDR[,ADDR...] [EXCEPT]  print the first HOST:PORT that accepts a connection (exit 1: none)
//   ordinal                            print this container's number within its compose service
//   healthy METRICS_ADDR               exit 0 when the manager's /metrics shows it in a working Raft
//                                      group: something applied, and it leads or reaches a peer
//   settled                            read `shoal cluster-info --json` on stdin; exit 0 when a leader
//                                      is known and no manager is a learner (no membership change
//                                      under way, so the next manager may join)

import { request } from 'node:http';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';

const [command, ...args] = process.argv.slice(2);

function fail(message, code = 1) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** True when HOST:PORT accepts a TCP connection within `ms`. */
function accepts(addr, ms = 1000) {
  const at = addr.lastIndexOf(':');
  const host = addr.slice(0, at).replace(/^\[|\]$/g, '');
  const port = Number(addr.slice(at + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * This container's id, from the files Docker bind-mounts into every container
 * (/etc/hostname and friends come from /var/lib/docker/containers/<id>/). The hostname is no
 * help: with host networking it is the host's.
 */
function containerId() {
  const m = /\/containers\/([0-9a-f]{64})\//.exec(readFileSync('/proc/self/mountinfo', 'utf8'));
  if (!m) fail("cannot tell this container's id from /proc/self/mountinfo: set SHOAL_WORKER_INDEX instead");
  return m[1];
}

function inspectContainer(id) {
  const socketPath = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: `/containers/${id}/json`, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`the engine answered ${res.statusCode}: ${body.trim()}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

switch (command) {
  case 'reachable': {
    const [list = '', except = ''] = args;
    for (const addr of list
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean)) {
      if (addr !== except && (await accepts(addr))) {
        process.stdout.write(`${addr}\n`);
        process.exit(0);
      }
    }
    process.exit(1);
    break;
  }
  case 'ordinal': {
    let info;
    try {
      info = await inspectContainer(containerId());
    } catch (e) {
      fail(`cannot ask the Docker engine which replica this is (${e.message}): mount /var/run/docker.sock or set SHOAL_WORKER_INDEX`);
    }
    const n = info.Config?.Labels?.['com.docker.compose.container-number'];
    if (!n || !/^\d+$/.test(n)) fail('this container has no com.docker.compose.container-number label (not started by docker-compose): set SHOAL_WORKER_INDEX');
    process.stdout.write(`${n}\n`);
    break;
  }
  case 'healthy': {
    // The healthcheck runs every few seconds for the container's life: plain HTTP from a bare
    // node, not the CLI (whose start-up costs a second of CPU).
    const [addr = ''] = args;
    let body;
    try {
      const res = await fetch(`http://${addr}/metrics`, { signal: AbortSignal.timeout(5000) });
      body = await res.text();
    } catch (e) {
      fail(`no metrics at ${addr}: ${e.message}`);
    }
    const values = (name) =>
      body
        .split('\n')
        .filter((l) => l.startsWith(name))
        .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
    const applied = Math.max(0, ...values('shoal_raft_applied_index'));
    const leads = values('shoal_raft_is_leader').some((v) => v === 1);
    const peers = values('shoal_raft_peer_reachable').filter((v) => v === 1).length;
    if (applied < 1) fail('nothing applied yet (still joining?)');
    if (!leads && peers === 0) fail('neither leading nor reaching any other manager');
    process.stdout.write(`applied ${applied}, ${leads ? 'leader' : 'follower'}, ${peers} peer(s) reachable\n`);
    break;
  }
  case 'settled': {
    const raw = readFileSync(0, 'utf8');
    let info;
    try {
      info = JSON.parse(raw);
    } catch {
      fail(`no cluster-info answer: ${raw.trim().split('\n')[0] || '(nothing)'}`);
    }
    if (!info.leader) fail('no leader elected');
    const learners = (info.managers ?? []).filter((m) => m.raftRole === 'learner').map((m) => m.name);
    if (learners.length > 0) fail(`${learners.join(', ')} still catching up as learner(s)`);
    break;
  }
  default:
    fail(`unknown command ${JSON.stringify(command)}: reachable, ordinal, healthy or settled`, 2);
}
