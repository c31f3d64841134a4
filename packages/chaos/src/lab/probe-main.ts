// The runner's hands inside the client namespace: the root namespace has no route to the lab,
// so control API calls (find the leader, create services, join tokens) go through this process,
// one JSON line per request on stdin and one per answer on stdout.
//
//   node probe-main.js --certs DIR
//   in:  {"id": 1, "method": "ClusterInfo", "request": {...}, "hosts": ["10.213.12.11:2377"], "timeoutMs": 1000, "write": false}
//   out: {"id": 1, "ok": true, "result": {...}}  |  {"id": 1, "ok": false, "error": "..."}

import { createInterface } from 'node:readline';
import { ControlConnection, loadCredentials } from '@shoal/cli';

interface ProbeRequest {
  readonly id: number;
  readonly method: string;
  readonly request: unknown;
  readonly hosts: string[];
  readonly timeoutMs?: number;
  readonly write?: boolean;
}

const certsAt = process.argv.indexOf('--certs');
const certs = certsAt > 0 ? process.argv[certsAt + 1] : undefined;
if (!certs) {
  process.stderr.write('usage: probe-main --certs DIR (the admin credentials directory)\n');
  process.exit(2);
}
const creds = loadCredentials(certs);
// One connection per host list, kept: the runner asks the same managers again and again.
const connections = new Map<string, ControlConnection>();

function connection(hosts: string[]): ControlConnection {
  const key = hosts.join(',');
  let c = connections.get(key);
  if (!c) {
    c = new ControlConnection(hosts, creds);
    connections.set(key, c);
  }
  return c;
}

function answer(o: unknown): void {
  process.stdout.write(`${JSON.stringify(o)}\n`);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let req: ProbeRequest;
  try {
    req = JSON.parse(line) as ProbeRequest;
  } catch {
    return answer({ id: -1, ok: false, error: `not a JSON request: ${line.slice(0, 200)}` });
  }
  const call = connection(req.hosts).call as unknown as (m: string, r: unknown, o: { timeoutMs?: number; write?: boolean }) => Promise<unknown>;
  call.call(connection(req.hosts), req.method, req.request, { timeoutMs: req.timeoutMs ?? 3000, write: req.write ?? false }).then(
    (result) => answer({ id: req.id, ok: true, result }),
    (e: unknown) => answer({ id: req.id, ok: false, error: (e as Error).message ?? String(e) }),
  );
});
process.stdin.on('end', () => {
  for (const c of connections.values()) c.close();
  process.exit(0);
});
