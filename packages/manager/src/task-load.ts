// What the leader knows of each running task's load, from the agents' heartbeats: CPU from the
// runtime (container stats; the process group's CPU time) and connections from the node's
// routing mesh. It lives in memory only (a new leader learns it again within a few heartbeats)
// and feeds the autoscaler. The dispatcher records; leader duties read.

/** One task's load as one node saw it at `atMs` (the leader's clock when the heartbeat came). */
export interface TaskLoadSample {
  readonly taskId: string;
  readonly nodeId: string;
  /** CPU used since the previous sample, in percent of one core; null when the runtime cannot say. */
  readonly cpuPercent: number | null;
  /** Connections the routing mesh of the reporting node holds open to the task right now. */
  readonly openConnections: number;
  /** Connections the reporting node's mesh has handed to the task since the agent started. */
  readonly totalConnections: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Connects to the task that the reporting node's mesh saw fail. */
  readonly connectErrors: number;
  readonly atMs: number;
}

/** What leader duties read. */
export interface TaskLoadSource {
  /** The newest sample of each node for this task (a task's connections come through every node's mesh). */
  samplesOf(taskId: string): readonly TaskLoadSample[];
}

export class TaskLoadBoard implements TaskLoadSource {
  /** taskId → nodeId (the reporting node) → newest sample. */
  private readonly byTask = new Map<string, Map<string, TaskLoadSample>>();

  /** Replaces what `nodeId` said before about these tasks. */
  record(samples: readonly TaskLoadSample[]): void {
    for (const s of samples) {
      let perNode = this.byTask.get(s.taskId);
      if (!perNode) this.byTask.set(s.taskId, (perNode = new Map()));
      perNode.set(s.nodeId, s);
    }
  }

  samplesOf(taskId: string): readonly TaskLoadSample[] {
    const perNode = this.byTask.get(taskId);
    return perNode ? [...perNode.values()] : [];
  }

  /** Drops what is known of tasks that are gone. */
  forgetTask(taskId: string): void {
    this.byTask.delete(taskId);
  }

  /** Drops what a node said (its session ended): its mesh no longer counts. */
  forgetNode(nodeId: string): void {
    for (const [taskId, perNode] of this.byTask) {
      perNode.delete(nodeId);
      if (perNode.size === 0) this.byTask.delete(taskId);
    }
  }
}
