/**
 * The tenant CLI end to end against dynalite (the local runtime's DynamoDB): create, list,
 * rotate-key, revoke-key and limit, through --local <endpoint> and --data-dir, with keys checked by the
 * same resolveApiKey the API middleware uses. Stack-output lookup is tested with a mocked
 * CloudFormation client.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashApiKey, resolveApiKey } from '../../shared/auth/api-keys.ts';
import { getTenantRequestLimit } from '../../shared/auth/rate-limit.ts';
import { runTenantCli, type CliIo } from '../../infra/cli/run.ts';
import { tableFromStack, TargetError } from '../../infra/cli/target.ts';
import { ensureTable, startLocalDynamo, type LocalDynamo } from '../../infra/local/dynamodb.ts';

const TABLE = 'tenants-cli-test';
const NOW = Date.parse('2026-03-01T12:00:00Z');

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

async function cli(argv: string[]) {
  const io = capture();
  const code = await runTenantCli(argv, io, { now: () => NOW, env: {} });
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

async function cliJson<T>(argv: string[]): Promise<T> {
  const r = await cli([...argv, '--json']);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as T;
}

function docClient(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
}

describe('tenant CLI against a local DynamoDB endpoint', () => {
  let local: LocalDynamo;
  let dynamo: DynamoDBDocumentClient;
  const target = () => ['--local', local.endpoint, '--table', TABLE];
  const resolve = (apiKey: string) => resolveApiKey({ dynamo, tableName: TABLE, now: () => NOW }, apiKey);

  beforeAll(async () => {
    local = await startLocalDynamo(undefined);
    dynamo = docClient(local.endpoint);
    await ensureTable(new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }), TABLE);
  });
  afterAll(async () => {
    dynamo.destroy();
    await local.close();
  });

  it('create prints a working key once and stores only its hash', async () => {
    const r = await cli(['create', 'Acme Analytics', ...target()]);
    expect(r.code, r.err).toBe(0);
    const apiKey = /API key\s+(tkc_\S+)/.exec(r.out)?.[1];
    const tenantId = /Tenant\s+(tn_\S+)/.exec(r.out)?.[1];
    expect(apiKey).toBeDefined();
    expect(r.out).toContain('shown only once');
    expect(await resolve(apiKey!)).toMatchObject({ tenantId });

    // Nothing in the table holds the key itself, only its hash.
    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: TABLE }));
    const dump = JSON.stringify(Items);
    expect(dump).not.toContain(apiKey!);
    expect(dump).toContain(hashApiKey(apiKey!));
  });

  it('list shows tenants with key ids and hash prefixes, never keys', async () => {
    const created = await cliJson<{ tenantId: string; keyId: string; apiKey: string }>(['create', 'Listed Co', ...target()]);
    const tenants = await cliJson<Array<{ tenantId: string; name: string; keys: Array<{ keyId: string; hashPrefix: string }> }>>(['list', ...target()]);
    const listed = tenants.find((t) => t.tenantId === created.tenantId);
    expect(listed).toMatchObject({ name: 'Listed Co', keys: [{ keyId: created.keyId, hashPrefix: hashApiKey(created.apiKey).slice(0, 12) }] });
    const text = await cli(['list', ...target()]);
    expect(text.out).toContain(created.tenantId);
    expect(text.out).not.toContain(created.apiKey);
  });

  it('rotate-key issues a new key and keeps the old one until revoked; --revoke-old revokes it', async () => {
    const first = await cliJson<{ tenantId: string; keyId: string; apiKey: string }>(['create', 'Rotating', ...target()]);
    const second = await cliJson<{ keyId: string; apiKey: string; stillActive: string[] }>(['rotate-key', first.tenantId, ...target()]);
    expect(second.apiKey).not.toBe(first.apiKey);
    expect(second.stillActive).toEqual([first.keyId]);
    expect(await resolve(first.apiKey)).toBeDefined();
    expect(await resolve(second.apiKey)).toMatchObject({ tenantId: first.tenantId, keyId: second.keyId });

    const third = await cliJson<{ apiKey: string; revoked: string[] }>(['rotate-key', first.tenantId, '--revoke-old', ...target()]);
    expect(third.revoked.sort()).toEqual([first.keyId, second.keyId].sort());
    expect(await resolve(first.apiKey)).toBeUndefined();
    expect(await resolve(second.apiKey)).toBeUndefined();
    expect(await resolve(third.apiKey)).toMatchObject({ tenantId: first.tenantId });
  });

  it('revoke-key revokes exactly that key; unknown tenants and keys fail with exit code 1', async () => {
    const t = await cliJson<{ tenantId: string; keyId: string; apiKey: string }>(['create', 'Revoking', ...target()]);
    const other = await cliJson<{ keyId: string; apiKey: string }>(['rotate-key', t.tenantId, ...target()]);
    const r = await cli(['revoke-key', t.tenantId, t.keyId, ...target()]);
    expect(r.code, r.err).toBe(0);
    expect(await resolve(t.apiKey)).toBeUndefined();
    expect(await resolve(other.apiKey)).toBeDefined();

    const unknownKey = await cli(['revoke-key', t.tenantId, 'key_nothere', ...target()]);
    expect(unknownKey.code).toBe(1);
    expect(unknownKey.err).toContain('has no key key_nothere');
    const unknownTenant = await cli(['rotate-key', 'tn_nobody', ...target()]);
    expect(unknownTenant.code).toBe(1);
    expect(unknownTenant.err).toContain('No tenant tn_nobody');
  });

  it('limit sets, shows and clears a tenant\'s API request limit; an unknown tenant fails with exit code 1', async () => {
    const t = await cliJson<{ tenantId: string }>(['create', 'Limited', ...target()]);
    const stored = () => getTenantRequestLimit({ dynamo, tableName: TABLE }, t.tenantId);
    expect(await cliJson(['limit', t.tenantId, ...target()])).toEqual({ tenantId: t.tenantId, requestsPerMinute: null });

    const set = await cli(['limit', t.tenantId, '--requests-per-minute', '120', ...target()]);
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain(`API request limit of ${t.tenantId} is now 120 per minute.`);
    expect(await stored()).toBe(120);
    expect(await cliJson(['limit', t.tenantId, ...target()])).toEqual({ tenantId: t.tenantId, requestsPerMinute: 120 });

    expect(await cliJson(['limit', t.tenantId, '--clear', ...target()])).toEqual({ tenantId: t.tenantId, requestsPerMinute: null });
    expect(await stored()).toBeUndefined();
    // The tenant item keeps its other attributes.
    expect((await cliJson<Array<{ tenantId: string; name: string }>>(['list', ...target()])).find((x) => x.tenantId === t.tenantId)?.name).toBe('Limited');

    for (const argv of [['limit', 'tn_nobody'], ['limit', 'tn_nobody', '--requests-per-minute', '5'], ['limit', 'tn_nobody', '--clear']]) {
      const r = await cli([...argv, ...target()]);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.err).toContain('No tenant tn_nobody');
    }
    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: TABLE }));
    expect(Items.some((i) => String(i.pk).includes('tn_nobody'))).toBe(false);
  });

  it('a missing table is reported, not created', async () => {
    const r = await cli(['list', '--local', local.endpoint, '--table', 'no-such-table']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('No table no-such-table');
  });
});

describe('tenant CLI on the local runtime DATA_DIR', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tenant-cli-'));
    // What `npm start` leaves behind: a dynalite database with the table.
    const first = await startLocalDynamo(path.join(dataDir, 'dynamodb'));
    const client = new DynamoDBClient({ endpoint: first.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    await ensureTable(client, 'tiktok-connector');
    // dynalite marks a new table ACTIVE on a timer; close only once that is stored.
    await vi.waitUntil(async () => (await client.send(new DescribeTableCommand({ TableName: 'tiktok-connector' }))).Table?.TableStatus === 'ACTIVE');
    client.destroy();
    await first.close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates and lists tenants that persist across runs', async () => {
    const created = await cliJson<{ tenantId: string }>(['create', 'Persisted', '--data-dir', dataDir]);
    const tenants = await cliJson<Array<{ tenantId: string }>>(['list', '--data-dir', dataDir]);
    expect(tenants.map((t) => t.tenantId)).toContain(created.tenantId);
  });

  it('says so when the local runtime holds the database', async () => {
    const running = await startLocalDynamo(path.join(dataDir, 'dynamodb'));
    const client = new DynamoDBClient({ endpoint: running.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    await client.send(new ListTablesCommand({})); // the database is open (and locked) after its first request
    client.destroy();
    try {
      const r = await cli(['list', '--data-dir', dataDir]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/in use \(is npm start running\?\)/);
    } finally {
      await running.close();
    }
  });

  it('rejects a directory without a database', async () => {
    const r = await cli(['list', '--data-dir', path.join(dataDir, 'nothing-here')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('No local database');
  });
});

describe('tenant CLI arguments and stack outputs', () => {
  it('rejects bad usage with exit code 2 before touching any table', async () => {
    for (const argv of [[], ['frob'], ['create'], ['revoke-key', 'tn_x'], ['rotate-key', 'not-a-tenant'], ['list', '--local', 'http://x:1', '--data-dir', 'd'], ['list', '--revoke-old'],
      ['limit'], ['limit', 'tn_x', '--requests-per-minute', '0'], ['limit', 'tn_x', '--requests-per-minute', '2.5'], ['limit', 'tn_x', '--requests-per-minute', 'many'],
      ['limit', 'tn_x', '--requests-per-minute', '5', '--clear'], ['list', '--clear'], ['create', 'x', '--requests-per-minute', '5']]) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toContain('Usage:');
    }
  });

  it('reads the table name from the stack output TableName', async () => {
    const cfn = mockClient(CloudFormationClient);
    cfn.on(DescribeStacksCommand, { StackName: 'TikTokConnector-prod' }).resolves({
      Stacks: [{ StackName: 'TikTokConnector-prod', CreationTime: new Date(), StackStatus: 'UPDATE_COMPLETE', Outputs: [{ OutputKey: 'ApiUrl', OutputValue: 'https://x' }, { OutputKey: 'TableName', OutputValue: 'TikTokConnector-prod-DataTable-ABC' }] }],
    });
    const client = new CloudFormationClient({ region: 'eu-west-1' });
    expect(await tableFromStack('TikTokConnector-prod', 'eu-west-1', client)).toBe('TikTokConnector-prod-DataTable-ABC');

    cfn.on(DescribeStacksCommand, { StackName: 'Missing' }).rejects(Object.assign(new Error('Stack with id Missing does not exist'), { name: 'ValidationError' }));
    await expect(tableFromStack('Missing', 'eu-west-1', client)).rejects.toThrow(TargetError);
    await expect(tableFromStack('Missing', 'eu-west-1', client)).rejects.toThrow(/does not exist/);
    cfn.restore();
  });
});
