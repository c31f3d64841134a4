// The routing mesh on one node: for every published port, a TCP listener on this node's
// address that hands each connection to one of the service's healthy tasks, round robin, on
// whichever node it runs. The mesh holds no state of its own beyond the routing table the
// leader sends (built from the store): a task that stops running leaves the table, and new
// connections stop reaching it.

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

interface Listener {
  readonly server: Server;
  route: Route;
  next: number;
  readonly sockets: Set<Socket>;
}

const CONNECT_TIMEOUT_MS = 2000;

export class RoutingMesh {
  private readonly listeners = new Map<number, Listener>();
  private closed = false;

  constructor(
    /** The address this node publishes on (its own 127.0.0.x on a test machine). */
    readonly host: string,
    private readonly logger: MeshLogger,
  ) {}

  /** Installs a new routing table: opens listeners for new ports, closes those gone. */
  update(routes: readonly Route[]): void {
    if (this.closed) return;
    const wanted = new Map(routes.map((r) => [r.published, r]));
    for (const [port, l] of this.listeners) {
      if (!wanted.has(port)) {
        this.closeListener(port, l);
        this.logger.info({ port }, 'unpublished port');
      }
    }
    for (const [port, route] of wanted) {
      const l = this.listeners.get(port);
      if (l) l.route = route;
      else this.open(route);
    }
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
      this.logger.warn(
        { port: route.published, service: route.serviceName, err: e.message },
        e.code === 'EADDRINUSE'
          ? `cannot publish ${this.host}:${route.published} for ${route.serviceName}: the port is in use on this node`
          : `cannot publish ${this.host}:${route.published}`,
      );
      this.listeners.delete(route.published);
    });
    server.listen(route.published, this.host, () =>
      this.logger.info({ port: route.published, service: route.serviceName, backends: route.backends.length }, 'published port'),
    );
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
    for (const [port, l] of this.listeners) this.closeListener(port, l);
  }
}
