// The routing mesh on one node: for every published port, a TCP listener on this node's
// address that hands each connection to one of the service's healthy tasks, round robin, on
// whichever node it runs. The mesh holds no state of its own beyond the routing table the
// leader sends (built from the store): a task that stops running leaves the table, and new
// connections stop reaching it.
//
// A port the mesh cannot open (another process on the node listens there) is a failure the
// agent reports to the leader, which shows it on the service (`service inspect`, `service
// ps`): the mesh says which ports failed and why whenever that changes, and tries them again
// every RETRY_MS and with every new table, so a port freed later gets published.

import { createServer, connect, type Server, type Socket } from 'node:net';

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
  next: number;
  readonly sockets: Set<Socket>;
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

  constructor(
    /** The address this node publishes on (its own 127.0.0.x on a test machine). */
    readonly host: string,
    private readonly logger: MeshLogger,
    /** Called with every port that failed whenever that set changes. */
    private readonly onFailures: (failures: PublishFailure[]) => void = () => {},
  ) {}

  /** Installs a new routing table: opens listeners for new ports, closes those gone. */
  update(routes: readonly Route[]): void {
    if (this.closed) return;
    const wanted = new Map(routes.map((r) => [r.published, r]));
    this.wanted = wanted;
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
    this.retryTimer = setTimeout(() => this.update([...this.wanted.values()]), RETRY_MS);
    this.retryTimer.unref();
  }

  /** The routes currently served (for tests and status). */
  routes(): Route[] {
    return [...this.listeners.values()].map((l) => l.route);
  }

  private open(route: Route): void {
    const sockets = new Set<Socket>();
    const server = createServer((client) => this.handle(listener, client));
    const listener: Listener = { server, route, next: 0, sockets };
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

  /** Tries the next backends in turn until one accepts the connection. */
  private handle(l: Listener, client: Socket): void {
    l.sockets.add(client);
    client.once('close', () => l.sockets.delete(client));
    client.on('error', () => client.destroy());
    const backends = l.route.backends;
    if (backends.length === 0) {
      client.destroy();
      return;
    }
    const start = l.next++ % backends.length;
    const attempt = (i: number): void => {
      if (i >= backends.length || client.destroyed) {
        client.destroy();
        return;
      }
      const b = backends[(start + i) % backends.length]!;
      const upstream = connect({ host: b.host, port: b.port });
      const timer = setTimeout(() => upstream.destroy(new Error('connect timeout')), CONNECT_TIMEOUT_MS);
      upstream.once('connect', () => {
        clearTimeout(timer);
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
      });
      upstream.once('error', () => {
        clearTimeout(timer);
        attempt(i + 1); // that task just went away: the next one takes the connection
      });
    };
    attempt(0);
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
