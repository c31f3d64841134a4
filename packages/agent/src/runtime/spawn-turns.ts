// Spawning a process blocks the event loop: Node forks and waits for the child's exec, several
// milliseconds each (more the larger the agent). Hundreds of spawns in one turn would starve
// the agent's heartbeats, gRPC and timers for seconds, so every spawn the agent makes (task
// processes, health-check commands) waits for its own turn: at most one per event-loop turn,
// in the order asked, with timers and I/O running in between.

let last: Promise<void> = Promise.resolve();

/** Resolves in a later event-loop turn than the previous caller's; spawn right after it resolves. */
export function nextSpawnTurn(): Promise<void> {
  const turn = last.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  last = turn;
  return turn;
}
