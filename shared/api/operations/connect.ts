import * as z from 'zod/mini';
import '../../zod-locale.ts';
import type { OperationDoc } from '../../http/operation.ts';
import { DEFAULT_LINK_TTL_HOURS, MAX_LINK_TTL_HOURS } from '../../connect/links.ts';
import { routePath } from '../../topology/routes.ts';

const htmlPage = (description: string) => ({ description, contentType: 'text/html' });

export const createConnectLinkBody = z.object({
  name: z
    .string()
    .check(z.trim(), z.minLength(1), z.maxLength(100))
    .check(z.meta({ description: 'What the tenant calls this connection (e.g. "Brand account"); becomes the datasource name.' })),
  expiresInHours: z
    .optional(z.number().check(z.int(), z.gte(1), z.lte(MAX_LINK_TTL_HOURS)))
    .check(z.meta({ description: `How long the link can be opened, in hours (default ${DEFAULT_LINK_TTL_HOURS}, i.e. 7 days).` })),
});

export const connectLinkSchema = z.object({
  linkId: z.string(),
  url: z
    .string()
    .check(z.meta({ description: 'Hand this to the TikTok account owner; opening it needs no API key. One-time: it stops working once an account was connected through it.' })),
  expiresAt: z.string().check(z.meta({ description: 'ISO 8601 UTC.' })),
  name: z.string(),
});

export const createConnectLink = {
  operationId: 'createConnectLink',
  summary: 'Create a one-time connect link for a TikTok account owner',
  description:
    `The owner opens \`url\`, approves read-only access on TikTok (user.info.basic, user.info.profile, user.info.stats, video.list; they may deselect all but user.info.basic) and lands on a result page. The connected account then appears under \`GET ${routePath('listDatasources')}\`. Re-connecting an account that is already connected updates that datasource (new tokens, status back to \`active\`) instead of creating a second one.`,
  tags: ['connect'],
  body: createConnectLinkBody,
  bodyExample: { name: 'Brand account' },
  responses: {
    201: { description: 'The link was created.', schema: connectLinkSchema },
  },
} satisfies OperationDoc;

export const openConnectLink = {
  operationId: 'openConnectLink',
  summary: 'Open a connect link (browser): redirects to TikTok consent',
  description:
    `Issues a fresh one-time OAuth \`state\` (256 bits, valid 10 minutes) bound to the link and a PKCE S256 verifier, then redirects to TikTok's authorize page with all four scopes and the exact redirect_uri \`<PUBLIC_BASE_URL>${routePath('oauthCallback')}\`. The link may be opened again until a connection completes through it.`,
  tags: ['connect'],
  params: z.object({ linkId: z.string().check(z.minLength(1), z.maxLength(200)) }),
  responses: {
    302: { description: 'Redirect to TikTok\'s consent page.', headers: { location: { description: 'TikTok authorize URL.', schema: { type: 'string' } } } },
    404: htmlPage('HTML page: unknown link.'),
    410: htmlPage('HTML page: the link was already used or has expired.'),
    429: htmlPage('HTML page: the link was opened too many times in 10 minutes (each open starts a sign-in); Retry-After says when it works again.'),
    500: htmlPage('HTML page: internal error.'),
  },
} satisfies OperationDoc;

const optionalParam = (description: string) => z.optional(z.string()).check(z.meta({ description }));

export const oauthCallback = {
  operationId: 'oauthCallback',
  summary: 'TikTok OAuth redirect target (browser)',
  description:
    'Consumes the one-time state, exchanges the code (PKCE), stores the datasource with its encrypted tokens and shows an HTML result page (`#status` = `active` or `error`, `#datasource-id`, `#granted-scopes`, `#missing-scopes`, `#error-code`). Forged, replayed or expired state, denied consent or a failed exchange store nothing.',
  tags: ['connect'],
  query: z.object({
    state: optionalParam('The state issued when the connect link was opened.'),
    code: optionalParam('Authorisation code (success).'),
    scopes: optionalParam('Granted scopes, comma-separated (informational; the token response is authoritative).'),
    error: optionalParam('e.g. `access_denied` when the owner declined.'),
    error_description: optionalParam('TikTok\'s reason text.'),
  }),
  responses: {
    200: htmlPage('HTML page: the account is connected (lists granted and missing scopes).'),
    400: htmlPage('HTML page: invalid, replayed or expired state (`invalid_state`, `state_expired`), missing code, or TikTok rejected the code (`code_rejected`).'),
    403: htmlPage('HTML page: the owner declined (`access_denied`) or did not grant user.info.basic (`scope_required`).'),
    410: htmlPage('HTML page: the connect link was already used.'),
    500: htmlPage('HTML page: internal error; nothing stored.'),
    502: htmlPage('HTML page: TikTok failed (`tiktok_unavailable`); nothing stored.'),
    504: htmlPage('HTML page: TikTok timed out (`tiktok_timeout`); nothing stored.'),
  },
} satisfies OperationDoc;

export const connectOperations: OperationDoc[] = [createConnectLink, openConnectLink, oauthCallback];
