// The control API's services and tasks (proto/control.proto): create, update, scale, remove,
// list, `service ps`, rebalance and logs. Specs arrive as (partial) wire messages, are completed
// with defaults and validated by the store's rules, and go through Raft like every other change.

import {
  canonicalJson,
  encodeCommand,
  isFinalState,
  newId,
  normalizeServiceSpec,
  type Command,
  type ServiceObject,
  type ServiceSpec,
  type TaskObject,
} from '@shoal/store';
import {
  autoscaleDecisionToWire,
  autoscaleToWire,
  serviceSpecInputFromWire,
  serviceSpecToWire,
  updateStatusToWire,
  type ControlHandlers,
  type WirePublishError,
  type WireService,
  type WireServiceSpec__Output,
  type WireTask,
} from '@shoal/wire';
import { nowIso, prepareWrite, proposeCommand, readView, type ManagerContext } from './context.js';
import type { Dispatcher } from './dispatcher.js';
import { controlCall } from './control-call.js';
import { ManagerError, asManagerError } from './errors.js';
import { requireStanding } from './caller-standing.js';
import { mismatch, takesNewWork } from './leader/scheduler/placement.js';
import { planRebalance } from './leader/rebalance/rebalance-plan.js';
import { updateProgress } from './leader/updater/update-plan.js';

type ServiceHandlers = Pick<
  ControlHandlers,
  'CreateService' | 'UpdateService' | 'RemoveService' | 'GetService' | 'ListServices' | 'ListTasks' | 'RebalanceService' | 'ServiceLogs' | 'RollbackService'
>;

/** A (partial) spec from the wire, completed from `base` (an update) or the defaults. */
function parseSpec(wire: WireServiceSpec__Output | null, base?: ServiceSpec): ServiceSpec {
  try {
    return normalizeServiceSpec(serviceSpecInputFromWire(wire), base);
  } catch (e) {
    throw asManagerError(e);
  }
}

/** Whether two specs differ only in the replica count (scaling keeps the rollback target). */
function onlyReplicasChanged(a: ServiceSpec, b: ServiceSpec): boolean {
  return JSON.stringify({ ...a, replicas: 0 }) === JSON.stringify({ ...b, replicas: 0 });
}

/** A canary needs a task spec change and at most the service's replicas. */
function checkCanary(s: ServiceObject, spec: ServiceSpec, canary: number): void {
  if (spec.mode === 'replicated' && canary > spec.replicas) {
    throw new ManagerError(
      'INVALID_ARGUMENT',
      `a canary of ${canary} is larger than the service's ${spec.replicas} replicas; give --canary 0..${spec.replicas}`,
    );
  }
  if (canonicalJson(spec.task) === canonicalJson(s.spec.task) && canonicalJson(spec.ports) === canonicalJson(s.spec.ports)) {
    throw new ManagerError(
      'INVALID_ARGUMENT',
      `a canary of ${canary} needs a change to the tasks of service ${s.name} (e.g. --image); nothing would be updated`,
    );
  }
}

/** `--continue`: resumes a paused update (or rollback), or lets a canary finish. */
function continueCommand(s: ServiceObject, spec: ServiceSpec, version: number): Command {
  const status = s.updateStatus;
  if (!status || (status.state !== 'paused' && status.state !== 'rollback_paused')) {
    const now = status ? `its update is ${status.state}` : 'it was never updated';
    throw new ManagerError('FAILED_PRECONDITION', `service ${s.name} has no paused update to continue: ${now}`);
  }
  if (canonicalJson(spec) !== canonicalJson(s.spec)) {
    throw new ManagerError('INVALID_ARGUMENT', '--continue resumes the update as it is; give the spec changes in a separate `shoal service update`');
  }
  const rollback = status.state === 'rollback_paused';
  const at = nowIso();
  return {
    type: 'service.setUpdateStatus',
    at,
    id: s.id,
    expectedVersion: version > 0 ? version : s.version,
    status: { state: rollback ? 'rollback_started' : 'updating', message: `${rollback ? 'rollback' : 'update'} resumed`, canary: 0, countFrom: at },
  };
}

function findService(ctx: ManagerContext, ref: string): ServiceObject {
  if (!ref) throw new ManagerError('INVALID_ARGUMENT', 'which service? give an id, a unique id prefix or a name');
  try {
    return ctx.store.findService(ref);
  } catch (e) {
    throw asManagerError(e);
  }
}

/** Live tasks: desired running and not ended. */
function live(t: TaskObject): boolean {
  return t.desiredState === 'running' && !isFinalState(t.status.state);
}

export function toWireService(ctx: ManagerContext, s: ServiceObject): WireService {
  const tasks = ctx.store.tasksOfService(s.id);
  const running = tasks.filter((t) => live(t) && t.status.state === 'running').length;
  // Global: the nodes the orchestrator gives a task (ready, active, running an agent with the
  // right runtime, meeting the constraints) — not managers without an agent, nor the rest.
  const desired =
    s.spec.mode === 'global' ? ctx.store.nodes().filter((n) => takesNewWork(n) && mismatch(n, s.spec.task) === undefined).length : s.spec.replicas;
  return {
    id: s.id,
    name: s.spec.name,
    version: String(s.version),
    spec: serviceSpecToWire(s.spec),
    previousSpec: s.previousSpec ? serviceSpecToWire(s.previousSpec) : null,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    running,
    desired,
    publishErrors: publishErrorsOf(ctx, s),
    updateStatus: updateStatusToWire(s.updateStatus, updateProgress(s, tasks, Date.now())),
    specVersion: String(s.specVersion),
    ...autoscaleOf(s),
  };
}

/** The service's autoscaling and the autoscaler's recent decisions (autoscale-api.ts sets it). */
function autoscaleOf(s: ServiceObject): Pick<WireService, 'autoscale' | 'autoscaleStatus'> {
  return {
    autoscale: s.autoscale ? autoscaleToWire(s.autoscale) : null,
    autoscaleStatus: s.autoscaleDecisions?.length ? { decisions: s.autoscaleDecisions.map(autoscaleDecisionToWire) } : null,
  };
}

/** The service's published ports that nodes' routing meshes could not open (node order, then port). */
function publishErrorsOf(ctx: ManagerContext, s: ServiceObject): WirePublishError[] {
  if (s.spec.ports.length === 0) return [];
  const ports = new Set(s.spec.ports.map((p) => p.published));
  const out: WirePublishError[] = [];
  for (const n of ctx.store.nodes()) {
    for (const e of n.publishErrors ?? []) {
      if (ports.has(e.published)) out.push({ published: e.published, nodeId: n.id, nodeName: n.name, error: e.error });
    }
  }
  return out;
}

export function toWireTask(ctx: ManagerContext, t: TaskObject): WireTask {
  return {
    id: t.id,
    name: t.name,
    serviceId: t.serviceId,
    serviceName: t.serviceName,
    slot: t.slot,
    nodeId: t.nodeId,
    nodeName: t.nodeId ? (ctx.store.getNode(t.nodeId)?.name ?? '') : '',
    desiredState: t.desiredState,
    state: t.status.state,
    message: t.status.message,
    error: t.status.error,
    hasExitCode: t.status.exitCode !== null,
    exitCode: t.status.exitCode ?? 0,
    port: t.port,
    updatedAt: t.updatedAt,
    createdAt: t.createdAt,
    serviceVersion: String(t.serviceVersion),
    specVersion: String(t.specVersion),
    health: t.status.healthy === null ? '' : t.status.healthy ? 'healthy' : 'unhealthy',
  };
}

export function serviceHandlers(ctx: ManagerContext, dispatcher: Dispatcher): ServiceHandlers {
  return {
    CreateService: controlCall(ctx, async (req) => {
      await prepareWrite(ctx);
      const spec = parseSpec(req.spec);
      const id = newId();
      await proposeCommand(ctx, { type: 'service.create', at: nowIso(), service: { id, spec } });
      const created = ctx.store.getService(id);
      // Not applied yet only under the planted bug ack-before-commit (planted-bugs.ts): answer what was asked.
      return created ? toWireService(ctx, created) : { id, spec: req.spec };
    }),

    UpdateService: controlCall(ctx, async (req) => {
      await prepareWrite(ctx);
      const s = findService(ctx, req.service);
      const spec = parseSpec(req.spec, s.spec);
      const version = Number(req.version);
      const expected = version > 0 ? { expectedVersion: version } : {};
      if (req.continue) {
        await proposeCommand(ctx, continueCommand(s, spec, version));
        return toWireService(ctx, ctx.store.getService(s.id)!);
      }
      const canary = req.canary;
      if (canary > 0) checkCanary(s, spec, canary);
      await proposeCommand(ctx, {
        type: 'service.update',
        at: nowIso(),
        id: s.id,
        ...expected,
        spec,
        ...(onlyReplicasChanged(s.spec, spec) ? { keepPrevious: true } : {}),
        ...(canary > 0 ? { canary } : {}),
      });
      return toWireService(ctx, ctx.store.getService(s.id)!);
    }),

    RollbackService: controlCall(ctx, async (req) => {
      await prepareWrite(ctx);
      const s = findService(ctx, req.service);
      if (!s.previousSpec) {
        throw new ManagerError(
          'FAILED_PRECONDITION',
          `service ${s.name} has no previous spec to roll back to; it was never updated (see \`shoal service inspect ${s.name}\`)`,
        );
      }
      const version = Number(req.version);
      await proposeCommand(ctx, {
        type: 'service.rollback',
        at: nowIso(),
        id: s.id,
        ...(version > 0 ? { expectedVersion: version } : {}),
        message: 'rollback requested (`shoal service rollback`)',
      });
      return toWireService(ctx, ctx.store.getService(s.id)!);
    }),

    RemoveService: controlCall(ctx, async (req) => {
      await prepareWrite(ctx);
      const s = findService(ctx, req.service);
      await proposeCommand(ctx, { type: 'service.remove', at: nowIso(), id: s.id });
      return {};
    }),

    GetService: controlCall(ctx, async (req) => {
      await readView(ctx, req.read?.stale);
      return toWireService(ctx, findService(ctx, req.service));
    }),

    ListServices: controlCall(ctx, async (req) => {
      await readView(ctx, req.read?.stale);
      return { services: ctx.store.services().map((s) => toWireService(ctx, s)) };
    }),

    ListTasks: controlCall(ctx, async (req) => {
      await readView(ctx, req.read?.stale);
      let tasks: readonly TaskObject[];
      if (req.service) tasks = ctx.store.tasksOfService(findService(ctx, req.service).id);
      else if (req.node) tasks = ctx.store.tasksOfNode(ctx.store.findNode(req.node).id);
      else tasks = ctx.store.tasks();
      if (req.service && req.node) {
        const nodeId = ctx.store.findNode(req.node).id;
        tasks = tasks.filter((t) => t.nodeId === nodeId);
      }
      return { tasks: [...tasks].sort(byServiceSlot).map((t) => toWireTask(ctx, t)) };
    }),

    RebalanceService: controlCall(ctx, async (req) => {
      await prepareWrite(ctx);
      const s = findService(ctx, req.service);
      if (s.spec.mode !== 'replicated') throw new ManagerError('FAILED_PRECONDITION', `${s.spec.name} is a global service: it already runs one task per node`);
      const cmd = planRebalance(ctx.store, s.id, nowIso());
      if (cmd) await proposeCommand(ctx, cmd);
      return toWireService(ctx, ctx.store.getService(s.id)!);
    }),

    ServiceLogs: (call) => {
      try {
        requireStanding(ctx.store, call, ['admin', 'manager']);
        if (!ctx.host.isLeader) {
          const l = ctx.host.leaderId;
          throw new ManagerError('NOT_LEADER', 'logs are served by the leader', l ? ctx.addressOf(l) : undefined);
        }
        const s = findService(ctx, call.request.service);
        const tasks = ctx.store.tasksOfService(s.id).filter((t) => t.nodeId);
        const names = new Map(tasks.map((t) => [t.id, t]));
        const cancel = dispatcher.requestLogs(
          tasks,
          { follow: call.request.follow, tail: call.request.tail },
          {
            line: (taskId, stream, lines) => {
              const t = names.get(taskId);
              for (const line of lines) call.write({ taskId, taskName: t?.name ?? taskId, nodeId: t?.nodeId ?? '', stream, line });
            },
            error: (taskId, message) => call.write({ taskId, taskName: names.get(taskId)?.name ?? '', nodeId: '', stream: 'error', line: message }),
            end: () => call.end(),
          },
        );
        call.on('cancelled', cancel);
      } catch (e) {
        call.emit('error', asManagerError(e).toServiceError());
      }
    },
  };
}

function byServiceSlot(a: TaskObject, b: TaskObject): number {
  return a.serviceName.localeCompare(b.serviceName) || a.slot - b.slot || a.createdAt.localeCompare(b.createdAt);
}

export { encodeCommand };
