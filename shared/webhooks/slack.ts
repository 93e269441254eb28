/**
 * A Slack incoming-webhook message for an event: `text` (notifications, screen readers) plus blocks
 * saying what happened, which account and a link. Slack does not verify signatures, so none is sent.
 */
import type { WebhookEvent } from './events.ts';

const TITLES: Record<string, string> = {
  'datasource.connected': ':white_check_mark: TikTok account connected',
  'datasource.needs_reauth': ':warning: TikTok account needs re-authorisation',
  'datasource.recovered': ':arrows_counterclockwise: TikTok account re-connected',
  'datasource.revoked': ':no_entry: TikTok account access removed',
  'run.succeeded': ':inbox_tray: Scheduled report delivered',
  'run.failed': ':x: Scheduled report failed',
  'alert.triggered': ':rotating_light: Alert triggered',
  'webhook.test': ':wave: Test event from the TikTok connector',
};

/** Slack mrkdwn: &, < and > are control characters. */
const esc = (s: unknown) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').slice(0, 500);

export function slackMessage(event: WebhookEvent): { text: string; blocks: unknown[] } {
  const d = event.data;
  const title = TITLES[event.type] ?? event.type;
  const ds = d.datasource as { name?: string; displayName?: string; id?: string } | undefined;
  const lines: string[] = [];
  if (ds) lines.push(`*Account:* ${esc(ds.displayName ?? ds.name ?? ds.id)}`);
  if (typeof d.reason === 'string') lines.push(`*Reason:* ${esc(d.reason)}`);
  const alert = d.alert as { name?: string } | undefined;
  if (alert?.name) lines.push(`*Alert:* ${esc(alert.name)}${typeof d.rowCount === 'number' ? ` (${d.rowCount} matching rows)` : ''}`);
  const schedule = d.schedule as { name?: string } | undefined;
  if (schedule?.name) lines.push(`*Schedule:* ${esc(schedule.name)}`);
  if (typeof d.rows === 'number') lines.push(`*Rows:* ${d.rows}`);
  const error = d.error as { message?: string } | undefined;
  if (error?.message) lines.push(`*Error:* ${esc(error.message)}`);
  const link = typeof d.downloadUrl === 'string' ? d.downloadUrl : undefined;
  const text = `${title.replace(/^:[a-z_]+: /, '')}${ds ? `: ${ds.displayName ?? ds.name ?? ds.id}` : ''}`;
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: `*${esc(title)}*${lines.length ? `\n${lines.join('\n')}` : ''}` } }];
  if (link) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `<${link.replace(/[<>|]/g, encodeURIComponent)}|Download the file>` } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${event.type} · ${event.timestamp} · ${event.id}` }] });
  return { text: esc(text), blocks };
}
