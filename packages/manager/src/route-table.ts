// The routing mesh's table as the leader builds it from the store, and what changed since it
// was last sent. Every published port routes to the service's tasks in rotation, wherever
// they run. A task is in rotation while it is desired running and runs — and, when its spec
// has a health check, only once that check passed (healthy === true): a new task does not
// take traffic before it can serve it, and one set to shut down leaves at once, before its
// node is told to stop it (the dispatcher sends routes first).
//
// Sessions get the whole table when they open; after that only the ports whose routes
// changed, and the ports that went, so a change to one service of many does not resend every
// route to every worker.

import type { ClusterStore, TaskObject } from '@shoal/store';

export interface RouteBackend {
  readonly host: string;
  readonly port: number;
  readonly taskId: string;
}

export interface PublishedRoute {
  readonly published: number;
  readonly serviceName: string;
  readonly backends: RouteBackend[];
}

/** A change to the table: routes replacing those of their ports, ports unpublished. */
export interface RoutePatch {
  readonly changed: PublishedRoute[];
  readonly removed: number[];
}

/** Whether a task takes new connections through the mesh. */
export function inRotation(t: TaskObject): boolean {
  if (t.desiredState !== 'running' || t.status.state !== 'running' || !t.port || !t.nodeId) return false;
  return t.spec.healthCheck ? t.status.healthy === true : t.status.healthy !== false;
}

/** Every published port with the service's tasks in rotation as backends, by published port. */
export function buildRoutes(store: ClusterStore): Map<number, PublishedRoute> {
  const routes = new Map<number, PublishedRoute>();
  for (const svc of store.services()) {
    if (svc.spec.ports.length === 0) continue;
    const backends: RouteBackend[] = [];
    for (const t of store.tasksOfService(svc.id)) {
      if (!inRotation(t)) continue;
      const host = hostOf(store.getNode(t.nodeId)?.addr ?? '');
      if (host) backends.push({ host, port: t.port, taskId: t.id });
    }
    backends.sort((a, b) => a.taskId.localeCompare(b.taskId));
    for (const p of svc.spec.ports) routes.set(p.published, { published: p.published, serviceName: svc.spec.name, backends });
  }
  return routes;
}

/** The table last sent to the workers, and the patch that brings them to the store's. */
export class RouteTable {
  /** Each port's route as last sent, with its JSON to compare. */
  private sent = new Map<number, { route: PublishedRoute; json: string }>();

  constructor(private readonly store: ClusterStore) {}

  /** Brings the sent table up to the store; returns what changed, or undefined if nothing did. */
  sync(): RoutePatch | undefined {
    const next = new Map<number, { route: PublishedRoute; json: string }>();
    const changed: PublishedRoute[] = [];
    for (const [port, route] of buildRoutes(this.store)) {
      const json = JSON.stringify(route);
      next.set(port, { route, json });
      if (this.sent.get(port)?.json !== json) changed.push(route);
    }
    const removed = [...this.sent.keys()].filter((port) => !next.has(port));
    this.sent = next;
    if (changed.length === 0 && removed.length === 0) return undefined;
    changed.sort((a, b) => a.published - b.published);
    removed.sort((a, b) => a - b);
    return { changed, removed };
  }

  /** The whole table as last synced (what a session that opens gets). */
  full(): PublishedRoute[] {
    return [...this.sent.values()].map((e) => e.route).sort((a, b) => a.published - b.published);
  }
}

/** The host part of "host:port" ("" if none). */
export function hostOf(addr: string): string {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):\d+$/.exec(addr);
  return m ? (m[1] ?? m[2] ?? '') : '';
}
