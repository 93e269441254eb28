/**
 * Where a delivery lands: `<tenantId>/<scheduleId>/<YYYY>/<MM>/<DD>/<slot>.<ext>`, the date being the
 * slot's due day in UTC (the slot id is UTC too, so key and file name always agree).
 */
import { slotTime } from '../schedules/index.ts';

export function deliveryKey(args: { tenantId: string; scheduleId: string; slot: string; extension: string }): string {
  const day = new Date(slotTime(args.slot)).toISOString().slice(0, 10).split('-');
  return [args.tenantId, args.scheduleId, day[0], day[1], day[2], `${args.slot}.${args.extension}`].join('/');
}
