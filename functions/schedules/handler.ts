/** The schedule API: create, list, read, change, delete, run now, run history. */
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listScheduleRuns,
  listSchedules,
  runScheduleNow,
  updateSchedule,
} from '../../shared/api/operations/schedules.ts';
import { httpHandler, json, noContent, routeDispatcher } from '../../shared/http/index.ts';
import * as schedules from '../../shared/schedules/index.ts';

const deps = () => schedules.defaultScheduleServiceDeps();

export const handler = routeDispatcher({
  createSchedule: httpHandler(createSchedule, async (req) =>
    json(201, await schedules.createSchedule(deps(), req.tenantId, req.body)),
  ),
  listSchedules: httpHandler(listSchedules, async (req) => json(200, await schedules.listSchedules(deps(), req.tenantId, req.query))),
  getSchedule: httpHandler(getSchedule, async (req) => json(200, await schedules.getSchedule(deps(), req.tenantId, req.params.id))),
  updateSchedule: httpHandler(updateSchedule, async (req) =>
    json(200, await schedules.updateSchedule(deps(), req.tenantId, req.params.id, req.body)),
  ),
  deleteSchedule: httpHandler(deleteSchedule, async (req) => {
    await schedules.deleteSchedule(deps(), req.tenantId, req.params.id);
    return noContent();
  }),
  runScheduleNow: httpHandler(runScheduleNow, async (req) => json(202, await schedules.runScheduleNow(deps(), req.tenantId, req.params.id))),
  listScheduleRuns: httpHandler(listScheduleRuns, async (req) =>
    json(200, await schedules.listScheduleRuns(deps(), req.tenantId, req.params.id, req.query)),
  ),
});
