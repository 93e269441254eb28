/**
 * Validating a webhook URL when it is saved: scheme, length, credentials, and every address its host
 * resolves to (address.ts). 400 naming `url`. The same checks run again at connect time (send.ts).
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ValidationError } from '../errors.ts';
import { checkAddress } from './address.ts';
import { WEBHOOK_LIMITS } from './settings.ts';

export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

export interface TargetPolicy {
  allowPrivateTargets: boolean;
  /** Slack subscriptions in AWS must post to Slack's incoming-webhook host. */
  slack?: boolean;
}

const bad = (why: string) => new ValidationError(`Invalid url: ${why}.`, 'url');

export async function validateTargetUrl(raw: string, policy: TargetPolicy, resolve: Resolver = systemResolver): Promise<URL> {
  if (raw.length > WEBHOOK_LIMITS.maxUrlLength) throw bad(`at most ${WEBHOOK_LIMITS.maxUrlLength} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad('not an absolute URL');
  }
  if (url.protocol !== 'https:' && !(policy.allowPrivateTargets && url.protocol === 'http:')) {
    throw bad(policy.allowPrivateTargets ? 'use http or https' : 'webhooks must use https');
  }
  if (url.username || url.password) throw bad('credentials in the URL are not allowed');
  if (url.hash) throw bad('a fragment is not allowed');
  if (policy.slack && !policy.allowPrivateTargets && url.hostname !== 'hooks.slack.com') throw bad('a Slack subscription posts to https://hooks.slack.com/...');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await resolve(host).catch(() => {
    throw bad(`the host ${host} does not resolve`);
  });
  if (addresses.length === 0) throw bad(`the host ${host} does not resolve`);
  for (const a of addresses) {
    const verdict = checkAddress(a, policy.allowPrivateTargets);
    if (!verdict.ok) throw bad(`${host === a ? '' : `${host} resolves to `}${verdict.reason}`);
  }
  return url;
}
