/**
 * apiKeyAuth's per-container cache on the app clock, on a bare handler against dynalite: a revoked
 * key stops working within 30 seconds (and not before the cache says so), and unknown keys are
 * cached too, so a flood of bad keys does not read DynamoDB per request.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureTenant, revokeApiKey, storeApiKey } from '../../shared/auth/api-keys.ts';
import { readConfig } from '../../shared/config.ts';
import { overrideAppContext, resetAppContext } from '../../shared/context.ts';
import { apiKeyAuth } from '../../shared/http/middleware/api-key-auth.ts';
import { resetCaches } from '../../shared/lambda/caches.ts';
import { errorMapper } from '../../shared/http/middleware/error-mapper.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/request.ts';
import { recordCommands, startTestTable, type TestTable } from '../support/dynamo.ts';

describe('apiKeyAuth cache', () => {
  let table: TestTable;
  let commands: ReturnType<typeof recordCommands>;
  /** The key look-ups (GetItem) the middleware made since the test began. */
  let getsBefore = 0;
  const gets = () => commands.count('GetItemCommand') - getsBefore;
  const clock = { ms: Date.parse('2031-05-01T10:00:00Z'), now: () => clock.ms };
  const deps = () => ({ dynamo: table.dynamo, tableName: table.tableName, now: clock.now });

  beforeAll(async () => {
    table = await startTestTable();
    commands = recordCommands(table.dynamo);
    overrideAppContext({ config: readConfig({ TABLE_NAME: table.tableName }), dynamo: table.dynamo, clock });
    await ensureTenant(deps(), 'tn_a', 'A');
  });
  afterAll(async () => {
    resetAppContext();
    await table?.close();
  });
  beforeEach(() => {
    resetCaches();
    getsBefore = commands.count('GetItemCommand');
  });

  const handler = middy<ApiEvent, ApiResult>()
    .use(errorMapper())
    .use(apiKeyAuth())
    .handler(async (event) => ({ statusCode: 200, body: event.__api?.tenantId ?? '' }));
  const call = async (key: string): Promise<number> => {
    const event = { headers: { authorization: `Bearer ${key}` }, routeKey: 'GET /x', rawPath: '/x', requestContext: { requestId: 'r' } } as unknown as ApiEvent;
    const res = await handler(event, { awsRequestId: 'r' } as Context);
    return res.statusCode;
  };

  it('a revoked key keeps working from the cache until 30 s after it was looked up, then answers 401', async () => {
    const { apiKey, keyId } = await storeApiKey(deps(), 'tn_a');
    expect(await call(apiKey)).toBe(200);
    await revokeApiKey(deps(), 'tn_a', keyId);
    clock.ms += 29_000;
    expect(await call(apiKey)).toBe(200); // the promised bound, not sooner: cached
    clock.ms += 1_000;
    expect(await call(apiKey)).toBe(401);
  });

  it('unknown keys: one look-up per key per 30 s, however many requests', async () => {
    for (let i = 0; i < 50; i++) expect(await call('tkc_not_a_key')).toBe(401);
    expect(gets()).toBe(1);
    clock.ms += 30_000;
    expect(await call('tkc_not_a_key')).toBe(401);
    expect(gets()).toBe(2);
  });

  it('a key created after it was refused works once the negative entry expires', async () => {
    const key = `tkc_${'n'.repeat(43)}`;
    expect(await call(key)).toBe(401);
    await storeApiKey(deps(), 'tn_a', key);
    expect(await call(key)).toBe(401);
    clock.ms += 30_000;
    expect(await call(key)).toBe(200);
  });
});
