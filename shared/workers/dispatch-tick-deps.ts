/** The composition root of schedule-dispatch. */
import { tableAccess } from '../context.ts';
import { dispatchCapturesFromDispatcher } from '../history/index.ts';
import { reportQueue } from '../queue/index.ts';
import { defaultDispatchDeps } from '../schedules/index.ts';
import type { DispatchTickDeps } from './dispatch-tick.ts';
import { perContainer } from './per-container.ts';

export const dispatchTickDeps = perContainer(
  (): DispatchTickDeps => ({
    schedules: defaultDispatchDeps,
    captures: dispatchCapturesFromDispatcher,
    alerts: tableAccess(),
    queue: reportQueue,
  }),
);
