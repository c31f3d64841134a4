// Prometheus metrics of a worker agent, served at /metrics (prom-client): each task's traffic
// through this node's routing mesh and the CPU of the tasks it runs (task-load.ts), and the
// agent's own responsiveness. Per-task series are labelled task_id, task_name and service;
// a task that runs elsewhere but was reached through this node's mesh has no task_name here
// (this node knows its service from the routing table, not its name). Values are read when
// Prometheus scrapes, not kept up to date in between.

import type { Server } from 'node:http';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { serveMetrics } from '@shoal/identity';
import type { TaskCounters } from '@shoal/ingress';
import type { AgentStats } from './agent-stats.js';

const TASK_LABELS = ['task_id', 'task_name', 'service'] as const;
type TaskLabel = (typeof TASK_LABELS)[number];

export interface WorkerMetricsSources {
  /** The routing mesh's per-task counters. */
  taskCounters(): ReadonlyMap<string, TaskCounters>;
  /** CPU in percent of one core of the tasks running here (undefined: not measured yet). */
  cpuPercent(taskId: string): number | undefined;
  /** The tasks running here. */
  localTasks(): readonly { taskId: string; name: string; serviceName: string }[];
  /** The service of a task in this node's routing table. */
  serviceOfRoutedTask(taskId: string): string | undefined;
  agentStats(): AgentStats;
}

export class WorkerMetrics {
  readonly registry = new Registry();

  constructor(nodeId: string, src: WorkerMetricsSources) {
    this.registry.setDefaultLabels({ node: nodeId });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];

    /** Every task with traffic or running here, with its labels; one pass per scrape. */
    const tasks = (): { labels: Record<TaskLabel, string>; c: TaskCounters | undefined; local: boolean }[] => {
      const counters = src.taskCounters();
      const out = [];
      const local = new Set<string>();
      for (const t of src.localTasks()) {
        local.add(t.taskId);
        out.push({ labels: { task_id: t.taskId, task_name: t.name, service: t.serviceName }, c: counters.get(t.taskId), local: true });
      }
      for (const [taskId, c] of counters) {
        if (local.has(taskId)) continue;
        out.push({ labels: { task_id: taskId, task_name: '', service: src.serviceOfRoutedTask(taskId) ?? '' }, c, local: false });
      }
      return out;
    };
    // A scrape reads the sources once: the first per-task collector (registration order) takes the snapshot.
    let snapshot: ReturnType<typeof tasks> = [];
    const taskCounter = (name: string, help: string, pick: (c: TaskCounters) => number): void => {
      new Counter({
        name,
        help,
        labelNames: TASK_LABELS,
        registers,
        collect() {
          this.reset(); // tasks gone from the mesh leave the series
          for (const t of snapshot) if (t.c) this.inc(t.labels, pick(t.c));
        },
      });
    };
    new Gauge({
      name: 'shoal_task_open_connections',
      help: "Connections this node's routing mesh holds open to the task",
      labelNames: TASK_LABELS,
      registers,
      collect() {
        snapshot = tasks();
        this.reset();
        for (const t of snapshot) if (t.c) this.set(t.labels, t.c.open);
      },
    });
    taskCounter('shoal_task_connections_total', "Connections this node's routing mesh made to the task", (c) => c.total);
    taskCounter('shoal_task_bytes_in_total', "Bytes from clients to the task through this node's routing mesh", (c) => c.bytesIn);
    taskCounter('shoal_task_bytes_out_total', "Bytes from the task to clients through this node's routing mesh", (c) => c.bytesOut);
    taskCounter(
      'shoal_task_connect_errors_total',
      "Connects to the task that failed in this node's routing mesh (each retried on another task)",
      (c) => c.connectErrors,
    );
    new Gauge({
      name: 'shoal_task_cpu_percent',
      help: 'CPU the task used over the last few seconds, in percent of one core (tasks running on this node)',
      labelNames: TASK_LABELS,
      registers,
      collect() {
        this.reset();
        for (const t of snapshot) {
          const cpu = t.local ? src.cpuPercent(t.labels.task_id) : undefined;
          if (cpu !== undefined) this.set(t.labels, cpu);
        }
      },
    });
    new Gauge({
      name: 'shoal_worker_tasks_running',
      help: 'Tasks running on this node',
      registers,
      collect() {
        this.set(src.localTasks().length);
      },
    });
    new Gauge({
      name: 'shoal_agent_event_loop_delay_max_seconds',
      help: "Longest the agent's event loop was late since it started",
      registers,
      collect() {
        this.set(src.agentStats().eventLoopDelayMaxMs / 1000);
      },
    });
    new Gauge({
      name: 'shoal_agent_event_loop_delay_p99_seconds',
      help: "99th percentile of the agent's event-loop delay since it started",
      registers,
      collect() {
        this.set(src.agentStats().eventLoopDelayP99Ms / 1000);
      },
    });
  }

  /** Serves /metrics on `listen` ("host:port"); resolves with the address bound (port 0 picks one). */
  serve(listen: string): Promise<{ server: Server; addr: string }> {
    return serveMetrics(this.registry, listen);
  }
}
