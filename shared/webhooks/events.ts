/**
 * The events the service pushes (docs/webhooks.md "Events"). An event's id is derived from the fact
 * it reports (datasource + token version, schedule + slot, alert + evaluation...), so the same fact
 * sent twice (a retried run, a redelivered message) carries the same `webhook-id` and receivers can
 * drop the duplicate.
 */
import { createHash } from 'node:crypto';

export const EVENT_TYPES = [
  'datasource.connected',
  'datasource.needs_reauth',
  'datasource.recovered',
  'datasource.revoked',
  'run.succeeded',
  'run.failed',
  'alert.triggered',
  'webhook.test',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface WebhookEvent {
  id: string;
  type: EventType;
  /** When the fact happened (ISO 8601 UTC); the body's `timestamp`. */
  timestamp: string;
  data: Record<string, unknown>;
}

/** `msg_` + 24 hex of a hash of the parts: stable for the same fact, unique across facts. */
export function eventId(...parts: Array<string | number>): string {
  return `msg_${createHash('sha256').update(parts.join('\u0000'), 'utf8').digest('hex').slice(0, 24)}`;
}

export function makeEvent(type: EventType, idParts: Array<string | number>, data: Record<string, unknown>, nowMs: number): WebhookEvent {
  return { id: eventId(type, ...idParts), type, timestamp: new Date(nowMs).toISOString(), data };
}

/** The body receivers get: Standard Webhooks' `{type, timestamp, data}`. */
export function eventBody(event: WebhookEvent): string {
  return JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data });
}

export function subscribed(events: readonly string[], type: string): boolean {
  return events.includes('*') || events.includes(type);
}
