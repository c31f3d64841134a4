// The routing mesh on one node: for every published port, a TCP listener on this node's
// address that hands each connection to one of the service's tasks in rotation, on whichever
// node it runs: the task this node has the fewest open connections to, round robin between
// equals (balancer.ts); a connect that fails is retried on another task not yet tried. The
// mesh holds no state of its own beyond the routing table the leader sends (built from the
// store; whole when the session opens, then patches of the ports that changed): a task that
// leaves rotation leaves the table, and new connections stop reaching it, while connections
// already open to it go on until they close. Per-task counters (counters.ts) are what the
// worker exports and reports with heartbeats.
//
// A port the mesh cannot open (another process on the node listens there) is a failure the
// agent reports to the leader, which shows it on the service (`service inspect`, `service
// ps`): the mesh says which ports failed and why whenever that changes, and tries them again
// every RETRY_MS and with every new table, so a port freed later gets published.

import { createServer, connect, type Server, type Socket } from 'node:net';
import { LeastConnections } from './balancer.js';
import { FORGET_MS, TaskCounterBook, type TaskCounters } from './counters.js';

export interface Backend {
  readonly host: string;
  readonly port: number;
  readonly taskId: string;
}

export interface Route {
  readonly published: number;
  readonly serviceName: string;
  readonly backends: readonly Backend[];
}

export interface MeshLogger {
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
}

/** A published port this node could not open, and why. */
export interface PublishFailure {
  readonly published: number;
  readonly serviceName: string;
  readonly error: string;
}

interface Listener {
  readonly server: Server;
  route: Route;
  readonly balancer: LeastConnections;
  readonly sockets: Set<Socket>;
}

export interface MeshOptions {
  /** How long a task's counters outlive its last route and connection. */
  readonly forgetCountersAfterMs?: number;
  readonly now?: () => number;
}

const CONNECT_TIMEOUT_MS = 2000;
const RETRY_MS = 5000;

export class RoutingMesh {
  private readonly listeners = new Map<number, Listener>();
  private readonly failed = new Map<number, PublishFailure>();
  /** The last table, for retrying failed ports. */
  private wanted = new Map<number, Route>();
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly counters: TaskCounterBook;

  constructor(
    /** The address this node publishes on (its own 127.0.0.x on a test machine). */
    readonly host: string,
    private readonly logger: MeshLogger,
    /** Called with every port that failed whenever that set changes. */
    private readonly onFailures: (failures: PublishFailure[]) => void = () => {},
    options: MeshOptions = {},
  ) {
    this.counters = new TaskCounterBook(options.forgetCountersAfterMs ?? FORGET_MS, options.now);
  }

  /** Installs a whole routing table: opens listeners for new ports, closes those gone. */
  update(routes: readonly Route[]): void {
    if (this.closed) return;
    this.install(new Map(routes.map((r) => [r.published, r])));
  }

  /** Applies a change to the table: `changed` routes replace those of their ports, `removed` ports are unpublished. */
  patch(changed: readonly Route[], removed: readonly number[]): void {
    if (this.closed) return;
    const wanted = new Map(this.wanted);
    for (const port of removed) wanted.delete(port);
    for (const r of changed) wanted.set(r.published, r);
    this.install(wanted);
  }

  /** Per-task counters of the connections this node's mesh made (by task id). */
  taskCounters(): ReadonlyMap<string, TaskCounters> {
    return this.counters.snapshot();
  }

  private install(wanted: Map<number, Route>): void {
    this.wanted = wanted;
    this.counters.routed(new Set([...wanted.values()].flatMap((r) => r.backends.map((b) => b.taskId))));
    for (const [port, l] of this.listeners) {
      if (!wanted.has(port)) {
        this.closeListener(port, l);
        this.logger.info({ port }, 'unpublished port');
      }
    }
    let forgotten = false;
    for (const port of this.failed.keys()) {
      if (!wanted.has(port)) forgotten = this.failed.delete(port);
    }
    if (forgotten) this.failuresChanged();
    for (const [port, route] of wanted) {
      const l = this.listeners.get(port);
      if (l) l.route = route;
      else this.open(route);
    }
  }

  /** The ports that could not be opened (the agent reports them when its session opens). */
  failures(): PublishFailure[] {
    return [...this.failed.values()].sort((a, b) => a.published - b.published);
  }

  private failuresChanged(): void {
    this.armRetry();
    this.onFailures(this.failures());
  }

  private armRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.failed.size === 0 || this.closed) return;
    this.retryTimer = setTimeout(() => this.install(this.wanted), RETRY_MS);
    this.retryTimer.unref();
  }

  /** The routes currently served (for tests and status). */
  routes(): Route[] {
    return [...this.listeners.values()].map((l) => l.route);
  }

  private open(route: Route): void {
    const sockets = new Set<Socket>();
    const server = createServer((client) => this.handle(listener, client));
    const listener: Listener = { server, route, balancer: new LeastConnections(), sockets };
    this.listeners.set(route.published, listener);
    server.on('error', (e: NodeJS.ErrnoException) => {
      if (this.listeners.get(route.published) !== listener) return; // closed meanwhile
      this.listeners.delete(route.published);
      const error = this.describeListenError(route.published, e);
      const before = this.failed.get(route.published);
      this.failed.set(route.published, { published: route.published, serviceName: route.serviceName, error });
      if (before?.error !== error || before.serviceName !== route.serviceName) {
        this.logger.warn(
          { port: route.published, service: route.serviceName, err: e.message },
          `cannot publish port ${route.published} for ${route.serviceName}: ${error}`,
        );
        this.failuresChanged();
      } else {
        this.armRetry(); // the same failure again: nothing new to report
      }
    });
    server.listen(route.published, this.host, () => {
      this.logger.info({ port: route.published, service: route.serviceName, backends: route.backends.length }, 'published port');
      if (this.failed.delete(route.published)) this.failuresChanged();
    });
  }

  private describeListenError(port: number, e: NodeJS.ErrnoException): string {
    if (e.code === 'EADDRINUSE') return `address in use: another process on this node listens on ${this.host}:${port}`;
    if (e.code === 'EACCES') return `permission denied: the agent may not listen on ${this.host}:${port} (ports below 1024 need privileges)`;
    if (e.code === 'EADDRNOTAVAIL') return `address not available: ${this.host} is not an address of this node`;
    return e.message;
  }

  /** Tries backends, least loaded first, until one accepts the connection. */
  private handle(l: Listener, client: Socket): void {
    l.sockets.add(client);
    client.once('close', () => l.sockets.delete(client));
    client.on('error', () => client.destroy());
    const tried = new Set<string>();
    const attempt = (): void => {
      // The table may have changed while a connect failed: pick from the current one.
      const b = client.destroyed ? undefined : l.balancer.pick(l.route.backends, tried);
      if (!b) {
        client.destroy();
        return;
      }
      tried.add(b.taskId);
      l.balancer.acquire(b.taskId);
      const upstream = connect({ host: b.host, port: b.port });
      const timer = setTimeout(() => upstream.destroy(new Error('connect timeout')), CONNECT_TIMEOUT_MS);
      upstream.once('connect', () => {
        clearTimeout(timer);
        upstream.removeAllListeners('error');
        if (client.destroyed) {
          // The client gave up while we connected.
          l.balancer.release(b.taskId);
          upstream.destroy();
          return;
        }
        this.counters.connected(b.taskId, upstream);
        upstream.on('error', () => client.destroy());
        upstream.once('close', () => l.balancer.release(b.taskId));
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
      });
      upstream.once('error', () => {
        clearTimeout(timer);
        l.balancer.release(b.taskId);
        this.counters.connectFailed(b.taskId);
        attempt(); // that task just went away: another takes the connection
      });
    };
    attempt();
  }

  private closeListener(port: number, l: Listener): void {
    this.listeners.delete(port);
    l.server.close();
    for (const s of l.sockets) s.destroy();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    for (const [port, l] of this.listeners) this.closeListener(port, l);
  }
}
