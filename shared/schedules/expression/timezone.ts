/** IANA time zones, checked with the runtime's own Intl data (the same data croner uses). */
import { ValidationError } from '../../errors.ts';

export const DEFAULT_TIMEZONE = 'UTC';

/** Returns the zone's canonical spelling; 400 naming `timezone` when Intl does not know it. */
export function validateTimezone(zone: string, field = 'timezone'): string {
  // Offsets like "+02:00" are valid to Intl but are not IANA zones and have no DST rules.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone) || zone.length > 64) {
    throw new ValidationError(`Invalid ${field}: '${zone}' is not an IANA time zone name (e.g. Europe/Berlin, UTC).`, field);
  }
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new ValidationError(`Invalid ${field}: '${zone}' is not an IANA time zone name (e.g. Europe/Berlin, UTC).`, field);
  }
}
