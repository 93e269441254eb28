/**
 * The small HTML pages an account owner sees (connect link errors, OAuth result). Self-contained:
 * inline CSS, no scripts, no external resources (the html() response adds a CSP that forbids them).
 * Stable ids for browser tests: #status (active | error), #title, #message, #datasource-id,
 * #display-name, #granted-scopes, #missing-scopes, #error-code.
 */
import { esc as escapeHtml } from '../render/escape.ts';
import type { CallbackFailureCode, CallbackOutcome } from './callback.ts';

const SCOPE_TEXT: Record<string, string> = {
  'user.info.basic': 'Profile basics (display name, avatar)',
  'user.info.profile': 'Profile details (bio, username, verification)',
  'user.info.stats': 'Profile statistics (followers, likes, video count)',
  'video.list': 'Public videos and their statistics',
};

const STYLE = `
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f4f5f7; color: #1f2328; margin: 0; }
  main { max-width: 480px; margin: 56px auto; background: #fff; border-radius: 10px; padding: 28px 32px; box-shadow: 0 2px 14px rgba(0,0,0,.08); }
  h1 { font-size: 21px; margin: 0 0 8px; } p { line-height: 1.5; }
  .badge { display: inline-block; font-size: 12px; font-weight: 600; letter-spacing: .04em; text-transform: uppercase; border-radius: 999px; padding: 3px 10px; margin-bottom: 12px; }
  .ok { background: #e6f6ec; color: #146c2e; } .error { background: #fdecec; color: #a4161a; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 6px 14px; font-size: 14px; margin: 18px 0; }
  dt { color: #656d76; } dd { margin: 0; word-break: break-all; }
  ul { padding-left: 20px; margin: 6px 0 0; font-size: 14px; } h2 { font-size: 15px; margin: 18px 0 4px; }
  code { background: #f1f2f4; border-radius: 4px; padding: 1px 5px; font-size: 13px; }
  .muted { color: #656d76; font-size: 13px; }`;

/** `#status` holds the datasource status (`active`) on success and `error` otherwise. */
function layout(title: string, status: 'active' | 'error', body: string): string {
  const badge = `<span id="status" class="badge ${status === 'active' ? 'ok' : 'error'}">${status}</span>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>
${badge}
<h1 id="title">${escapeHtml(title)}</h1>
${body}
</main></body>
</html>
`;
}

function scopeList(id: string, scopes: readonly string[]): string {
  const items = scopes.map((s) => `<li data-scope="${escapeHtml(s)}">${escapeHtml(SCOPE_TEXT[s] ?? s)} <code>${escapeHtml(s)}</code></li>`).join('');
  return `<ul id="${id}">${items}</ul>`;
}

export function errorPage(title: string, message: string, code: string): string {
  return layout(
    title,
    'error',
    `<p id="message">${escapeHtml(message)}</p>
<p class="muted">Error code: <code id="error-code">${escapeHtml(code)}</code></p>`,
  );
}

const FAILURES: Record<CallbackFailureCode, { title: string; message: string }> = {
  invalid_state: {
    title: 'This sign-in link is not valid',
    message: 'The sign-in attempt is unknown or was already completed. Open the connect link you were given again.',
  },
  state_expired: { title: 'This sign-in attempt expired', message: 'Sign-in attempts are valid for 10 minutes. Open the connect link again.' },
  link_used: { title: 'This connect link was already used', message: 'Each connect link works once. Ask for a new link if you need to connect again.' },
  access_denied: { title: 'Access was not granted', message: 'You declined the request on TikTok, so nothing was connected. Open the connect link again if that was a mistake.' },
  authorization_failed: { title: 'TikTok did not authorise the request', message: 'TikTok returned an error, so nothing was connected. Open the connect link again.' },
  missing_code: { title: 'TikTok did not send an authorisation code', message: 'Nothing was connected. Open the connect link again.' },
  code_rejected: { title: 'TikTok rejected the authorisation', message: 'The authorisation could not be completed, so nothing was connected. Open the connect link again.' },
  scope_required: {
    title: 'A required permission was not granted',
    message: 'Access to your basic profile (user.info.basic) is required. Open the connect link again and keep that permission selected.',
  },
  tiktok_unavailable: { title: 'TikTok is not reachable right now', message: 'Nothing was connected. Please try the connect link again in a few minutes.' },
  tiktok_timeout: { title: 'TikTok did not answer in time', message: 'Nothing was connected. Please try the connect link again in a few minutes.' },
  internal_error: { title: 'Something went wrong on our side', message: 'Nothing was connected. Please try the connect link again in a few minutes.' },
};

export function callbackPage(outcome: CallbackOutcome): string {
  if (!outcome.ok) {
    const f = FAILURES[outcome.code];
    const detail = outcome.detail ? ` (${outcome.detail})` : '';
    return errorPage(f.title, f.message, `${outcome.code}${detail}`);
  }
  const ds = outcome.datasource;
  const missing = outcome.missingScopes.length
    ? `<h2>Not granted</h2>${scopeList('missing-scopes', outcome.missingScopes)}<p class="muted">Reports that need these permissions will be refused. Open a new connect link to grant them later.</p>`
    : '<ul id="missing-scopes"></ul>';
  return layout(
    outcome.created ? 'Your TikTok account is connected' : 'Your TikTok account is connected again',
    'active',
    `<p id="message">Reports and schedules can now use this account. You can close this window.</p>
<dl>
  <dt>Account</dt><dd id="display-name">${escapeHtml(ds.displayName ?? ds.openId)}</dd>
  <dt>Connection</dt><dd id="datasource-name">${escapeHtml(ds.name)}</dd>
  <dt>Datasource id</dt><dd id="datasource-id">${escapeHtml(ds.id)}</dd>
</dl>
<h2>Granted</h2>${scopeList('granted-scopes', outcome.grantedScopes)}
${missing}`,
  );
}

export function linkNotFoundPage(): string {
  return errorPage('Connect link not found', 'This connect link does not exist. Check that you copied the whole link.', 'link_not_found');
}

export function linkBusyPage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return errorPage(
    'This connect link was opened too many times',
    `For your security a link can start only a few sign-ins in 10 minutes. Please open it again in ${minutes} minute${minutes > 1 ? 's' : ''}.`,
    'link_busy',
  );
}

export function linkGonePage(reason: 'used' | 'expired'): string {
  return reason === 'used'
    ? errorPage('This connect link was already used', 'Each connect link works once. Ask for a new link if you need to connect again.', 'link_used')
    : errorPage('This connect link has expired', 'Ask for a new connect link.', 'link_expired');
}
