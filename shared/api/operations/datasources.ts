import * as z from 'zod/mini';
import '../../zod-locale.ts';
import type { OperationDoc } from '../../http/operation.ts';
import { DATASOURCE_STATUSES } from '../../datasources/model.ts';

const iso = (description: string) => z.string().check(z.meta({ description: `${description} ISO 8601 UTC.` }));

export const datasourceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(DATASOURCE_STATUSES).check(
      z.meta({
        description:
          '`active`; `needs_reauth` (TikTok rejected the refresh token: reports answer 409 until the account is re-connected with a new connect link); `revoked` (being deleted).',
      }),
    ),
    statusReason: z.optional(z.string()),
    scopes: z.array(z.string()).check(z.meta({ description: 'Scopes the account owner granted.' })),
    openId: z.string().check(z.meta({ description: 'TikTok open_id of the account.' })),
    displayName: z.nullable(z.string()),
    accessTokenExpiresAt: iso('When the current access token expires (it is refreshed before).'),
    refreshTokenExpiresAt: iso('When the refresh token expires (each refresh extends it).'),
    createdAt: iso('Connected at.'),
    updatedAt: iso('Last change.'),
    lastRefreshAt: z.nullable(z.string()).check(z.meta({ description: 'Last token refresh, ISO 8601 UTC.' })),
  })
  .check(z.meta({ description: 'A connected TikTok account. Tokens are never returned.' }));

const idParams = z.object({ id: z.string().check(z.minLength(1), z.maxLength(100)) });

export const listDatasources = {
  operationId: 'listDatasources',
  summary: 'List connected TikTok accounts',
  tags: ['datasources'],
  query: z.object({
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50).check(z.meta({ description: 'Page size (1-100, default 50).' })),
    nextToken: z.optional(z.string().check(z.maxLength(2000))).check(z.meta({ description: 'From the previous page.' })),
  }),
  responses: {
    200: {
      description: 'One page of datasources.',
      schema: z.object({ items: z.array(datasourceSchema), nextToken: z.optional(z.string()).check(z.meta({ description: 'Present when more pages follow.' })) }),
    },
  },
} satisfies OperationDoc;

export const getDatasource = {
  operationId: 'getDatasource',
  summary: 'Read one connected TikTok account',
  tags: ['datasources'],
  params: idParams,
  responses: { 200: { description: 'The datasource.', schema: datasourceSchema } },
} satisfies OperationDoc;

export const deleteDatasourceResultSchema = z.object({
  deleted: z.literal(true),
  revoked: z.literal(false),
  reason: z.string().check(z.meta({ description: '`tiktok_upstream`, `tiktok_timeout`, `tiktok_rate_limited`, `token_already_invalid`, `no_tokens`, `revoke_failed`.' })),
  message: z.string(),
});

export const deleteDatasource = {
  operationId: 'deleteDatasource',
  summary: 'Disconnect a TikTok account: revoke at TikTok, delete its tokens and the datasource',
  description:
    'The tokens are removed from storage first, then the access token is revoked at TikTok, then the datasource is deleted. If TikTok cannot confirm the revocation (down, timeout, token already invalid), the datasource and tokens are still deleted and the answer is 200 with `revoked: false` and a reason instead of 204. Revoking removes the app from the TikTok account, so another tenant that connected the same account loses access too.',
  tags: ['datasources'],
  params: idParams,
  responses: {
    204: { description: 'Deleted and revoked at TikTok.' },
    200: { description: 'Deleted, but TikTok did not confirm the revocation.', schema: deleteDatasourceResultSchema },
  },
} satisfies OperationDoc;

export const datasourceOperations: OperationDoc[] = [listDatasources, getDatasource, deleteDatasource];
