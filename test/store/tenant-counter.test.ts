/** createCounted / releaseCounted (shared/store/tenant-counter.ts) on the embedded store, and the two stores that use it. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCounted, releaseCounted } from '../../shared/store/tenant-counter.ts';
import { putSubscription, type Subscription } from '../../shared/webhooks/store.ts';
import { WEBHOOK_LIMITS } from '../../shared/webhooks/settings.ts';
import { startTestTable, type TestTable } from '../support/dynamo.ts';

let table: TestTable;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table?.close();
});

const counter = { pk: 'TENANT#tn_c', sk: 'COUNT#things' };
const count = async (key = counter) => (await table.dynamo.send(new GetCommand({ TableName: table.tableName, Key: key }))).Item?.count as number | undefined;
class Full extends Error {}

describe('createCounted', () => {
  it('takes slots up to the limit, then throws the given error without writing', async () => {
    const writes: number[] = [];
    for (let i = 0; i < 3; i++) await createCounted(table, { counter, limit: 3, full: () => new Full() }, async () => writes.push(i));
    await expect(createCounted(table, { counter, limit: 3, full: () => new Full() }, async () => writes.push(99))).rejects.toBeInstanceOf(Full);
    expect(writes).toEqual([0, 1, 2]);
    expect(await count()).toBe(3);
  });

  it('gives the slot back when the write fails, and never counts below zero', async () => {
    const key = { pk: 'TENANT#tn_d', sk: 'COUNT#things' };
    await expect(createCounted(table, { counter: key, limit: 1, full: () => new Full() }, async () => Promise.reject(new Error('write failed')))).rejects.toThrow('write failed');
    expect(await count(key)).toBe(0);
    await releaseCounted(table, key);
    expect(await count(key)).toBe(0);
    await createCounted(table, { counter: key, limit: 1, full: () => new Full() }, async () => undefined); // the slot is there again
    expect(await count(key)).toBe(1);
  });

  it('webhook subscriptions: a create whose item already exists fails without costing the tenant a slot', async () => {
    const sub = { tenantId: 'tn_w', id: 'whk_dup' } as unknown as Subscription;
    await putSubscription(table, sub);
    await expect(putSubscription(table, sub)).rejects.toThrow(); // the item's own conditional put fails
    expect(await count({ pk: 'TENANT#tn_w', sk: 'WHKCOUNT' })).toBe(1);
    for (let i = 1; i < WEBHOOK_LIMITS.maxSubscriptionsPerTenant; i++) await putSubscription(table, { ...sub, id: `whk_${i}` });
    await expect(putSubscription(table, { ...sub, id: 'whk_over' })).rejects.toMatchObject({ code: 'webhook_limit_reached' });
  });
});
