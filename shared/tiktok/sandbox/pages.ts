/**
 * The sandbox's HTML: the consent page (app, requested scopes with per-scope checkboxes, account
 * picker, Approve/Deny) and TikTok-style error pages. Self-contained: inline CSS, no scripts, no
 * external resources. Stable hooks for browser tests: `#consent`, `select[name=account]`,
 * `input[name=scope][value=<scope>]`, `#approve`, `#deny`, `#error-param`.
 */
import { esc as escapeHtml } from '../../render/escape.ts';
import type { SandboxAccount } from './accounts.ts';

const SCOPE_TEXT: Record<string, string> = {
  'user.info.basic': 'Read your profile info (avatar, display name)',
  'user.info.profile': 'Read your profile details (bio, profile link, verification, username)',
  'user.info.stats': "Read your profile's statistics (followers, likes, video count)",
  'video.list': 'Read your public videos',
};

const STYLE = `
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f8f8f8; color: #161823; margin: 0; }
  main { max-width: 440px; margin: 48px auto; background: #fff; border-radius: 8px; padding: 28px 32px;
         box-shadow: 0 2px 12px rgba(0,0,0,.08); }
  h1 { font-size: 20px; margin: 0 0 4px; } p.sub { color: #6b6e76; margin: 0 0 20px; font-size: 14px; }
  fieldset { border: 1px solid #e3e3e4; border-radius: 6px; margin: 0 0 16px; padding: 10px 14px; }
  legend { font-size: 13px; color: #6b6e76; padding: 0 4px; }
  label.scope { display: flex; gap: 10px; align-items: flex-start; padding: 6px 0; font-size: 14px; }
  label.scope code { display: block; color: #8a8b91; font-size: 12px; }
  select { width: 100%; padding: 8px; font-size: 14px; }
  .actions { display: flex; gap: 12px; margin-top: 20px; }
  button { flex: 1; padding: 11px; font-size: 15px; border-radius: 4px; cursor: pointer; border: 1px solid #e3e3e4; }
  #approve { background: #fe2c55; color: #fff; border-color: #fe2c55; } #deny { background: #fff; color: #161823; }
  .notice { background: #fff4f5; border: 1px solid #fe2c55; border-radius: 4px; padding: 8px 12px; font-size: 14px; }
  .sandbox { font-size: 12px; color: #8a8b91; text-align: center; margin-top: 16px; }`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>
${body}
<p class="sandbox">TikTok sandbox — local emulator, no data leaves this machine</p>
</main></body>
</html>
`;
}

export interface ConsentView {
  appName: string;
  /** The validated request, carried through the form unchanged. */
  hidden: Record<string, string>;
  requestedScopes: string[];
  accounts: readonly SandboxAccount[];
  notice?: string;
}

export function consentPage(v: ConsentView): string {
  const hidden = Object.entries(v.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n  ');
  const scopes = v.requestedScopes
    .map(
      (scope) => `<label class="scope"><input type="checkbox" name="scope" value="${escapeHtml(scope)}" checked>
      <span>${escapeHtml(SCOPE_TEXT[scope] ?? scope)}<code>${escapeHtml(scope)}</code></span></label>`,
    )
    .join('\n    ');
  // Preselect the richest account: the one worth seeing in a demo.
  const richest = v.accounts.reduce<SandboxAccount | undefined>((best, a) => (best && best.videos.length >= a.videos.length ? best : a), undefined);
  const accounts = v.accounts
    .map(
      (a) =>
        `<option value="${escapeHtml(a.user.open_id)}"${a === richest ? ' selected' : ''}>@${escapeHtml(a.user.username)} — ${escapeHtml(a.user.display_name)} (${a.videos.length} videos)</option>`,
    )
    .join('\n      ');
  const notice = v.notice ? `<p class="notice" role="alert">${escapeHtml(v.notice)}</p>` : '';
  return layout(
    `Authorize ${v.appName}`,
    `<h1>${escapeHtml(v.appName)} would like to access your TikTok account</h1>
<p class="sub">Choose an account and the permissions to grant.</p>
${notice}
<form id="consent" method="post" action="">
  ${hidden}
  <fieldset><legend>Account</legend>
    <select name="account" id="account" aria-label="Account">
      ${accounts}
    </select>
  </fieldset>
  <fieldset><legend>Permissions</legend>
    ${scopes}
  </fieldset>
  <div class="actions">
    <button type="submit" id="deny" name="decision" value="deny">Deny</button>
    <button type="submit" id="approve" name="decision" value="approve">Approve</button>
  </div>
</form>`,
  );
}

/** Like TikTok's "Something went wrong … correct the following: redirect_uri". */
export function errorPage(param: string, reason: string): string {
  return layout(
    'Something went wrong',
    `<h1>Something went wrong</h1>
<p class="sub">We couldn't log in with TikTok. This may be due to specific app settings.</p>
<p class="notice">If you're a developer, correct the following and try again: <strong id="error-param">${escapeHtml(param)}</strong></p>
<p id="error-reason">${escapeHtml(reason)}</p>`,
  );
}
