// The control API's AutoscaleService (`shoal service autoscale`): sets or clears a replicated
// service's autoscaling. The leader's autoscaler duty (leader/autoscaler/) does the scaling.

import { normalizeAutoscale, type AutoscaleConfig } from '@shoal/store';
import { autoscaleInputFromWire, type ControlHandlers } from '@shoal/wire';
import { controlCall } from './control-call.js';
import { nowIso, prepareWrite, proposeCommand, type ManagerContext } from './context.js';
import { ManagerError, asManagerError } from './errors.js';
import { toWireService } from './service-api.js';

export function autoscaleHandlers(ctx: ManagerContext): Pick<ControlHandlers, 'AutoscaleService'> {
  return {
    AutoscaleService: controlCall(ctx, async (req) => {
      await prepareWrite(ctx);
      if (!req.service) throw new ManagerError('INVALID_ARGUMENT', 'which service? give an id, a unique id prefix or a name');
      let config: AutoscaleConfig | null = null;
      try {
        const s = ctx.store.findService(req.service);
        if (req.autoscale) config = normalizeAutoscale(autoscaleInputFromWire(req.autoscale));
        if (config && s.spec.mode !== 'replicated') {
          throw new ManagerError(
            'FAILED_PRECONDITION',
            `${s.spec.name} is a global service: it runs one task per eligible node, so there is no replica count to autoscale`,
          );
        }
        await proposeCommand(ctx, { type: 'service.autoscale', at: nowIso(), id: s.id, autoscale: config });
        return toWireService(ctx, ctx.store.getService(s.id)!);
      } catch (e) {
        throw asManagerError(e);
      }
    }),
  };
}
