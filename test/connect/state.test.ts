/**
 * The OAuth state against the embedded store: hashed at rest, 10-minute TTL, one-time consumption
 * (a replay, or a second callback racing the first, finds nothing), never overwritten on issue, and
 * the PKCE verifier sealed under the state.
 */
import { createHash } from 'node:crypto';
import * as nodeCrypto from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consumeState, hashState, issueState, STATE_TTL_MS } from '../../shared/connect/state.ts';
import { keys } from '../../shared/store/table.ts';
import { isPkceVerifier } from '../../shared/tiktok/index.ts';
import { injectDynamoFault } from '../faults/inject-aws.ts';
import { recordCommands, startTestTable, type TestTable } from '../support/dynamo.ts';

// randomBytes stays real unless a test fixes the next value (to force a state collision).
vi.mock('node:crypto', async (original) => {
  const actual = await original<typeof nodeCrypto>();
  return { ...actual, randomBytes: vi.fn(actual.randomBytes) };
});

const NOW = 1_800_000_000_000;
const binding = { tenantId: 'tn_a', linkId: 'cl_AAAAAAAAAAAAAAAAAAAAAA', redirectUri: 'https://api.example.com/v1/oauth/callback' };

describe('OAuth state', () => {
  let table: TestTable;
  let now = NOW;
  const deps = () => ({ dynamo: table.dynamo, tableName: table.tableName, now: () => now });
  const stored = async (state: string) =>
    (await table.dynamo.send(new GetCommand({ TableName: table.tableName, Key: keys.oauthState(hashState(state)), ConsistentRead: true }))).Item;

  beforeAll(async () => {
    table = await startTestTable();
  });
  afterAll(() => table?.close());

  /** Issues a state at NOW and returns it with the item the store holds. */
  async function issued() {
    now = NOW;
    const out = await issueState(deps(), binding);
    return { ...out, item: (await stored(out.state))! };
  }

  it('hashes the state with SHA-256 (hex)', () => {
    expect(hashState('abc')).toBe(createHash('sha256').update('abc').digest('hex'));
    expect(hashState('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('issues 256 random bits, stores only the hash and a sealed verifier, with a 10-minute TTL', async () => {
    const { state, codeVerifier, expiresAt, item } = await issued();
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(state, 'base64url')).toHaveLength(32);
    expect(isPkceVerifier(codeVerifier)).toBe(true);
    expect(item).toMatchObject({ pk: `STATE#${hashState(state)}`, sk: 'STATE', ...binding, expiresAt: NOW + STATE_TTL_MS, ttl: Math.floor((NOW + STATE_TTL_MS) / 1000) });
    expect(expiresAt).toBe(NOW + 10 * 60_000);
    const text = JSON.stringify(item);
    expect(text).not.toContain(state);
    expect(text).not.toContain(codeVerifier);
    const second = await issueState(deps(), binding);
    expect(second.state).not.toBe(state);
    expect(second.codeVerifier).not.toBe(codeVerifier);
  });

  it('never overwrites a stored state: a colliding state is refused and the first binding stays', async () => {
    const fixed = nodeCrypto.randomBytes(32);
    vi.mocked(nodeCrypto.randomBytes).mockReturnValueOnce(fixed as never);
    const first = await issueState(deps(), binding);
    vi.mocked(nodeCrypto.randomBytes).mockReturnValueOnce(fixed as never);
    const err = await issueState(deps(), { ...binding, tenantId: 'tn_attacker' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(await stored(first.state)).toMatchObject({ tenantId: 'tn_a' });
    expect(await consumeState(deps(), first.state)).toMatchObject({ ok: true, binding, codeVerifier: first.codeVerifier });
  });

  it('consumes once: the binding and verifier come back and the item is gone', async () => {
    const { state, codeVerifier } = await issued();
    now = NOW + STATE_TTL_MS - 1;
    expect(await consumeState(deps(), state)).toEqual({ ok: true, stateHash: hashState(state), binding, codeVerifier });
    expect(await stored(state)).toBeUndefined();
  });

  it('a replayed state is invalid, and of two callbacks racing with the same state exactly one wins', async () => {
    const a = await issued();
    expect((await consumeState(deps(), a.state)).ok).toBe(true);
    expect(await consumeState(deps(), a.state)).toEqual({ ok: false, reason: 'invalid' });

    const b = await issued();
    const results = await Promise.all(Array.from({ length: 8 }, () => consumeState(deps(), b.state)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual(Array.from({ length: 7 }, () => ({ ok: false, reason: 'invalid' })));
  });

  it('a forged state is invalid', async () => {
    expect(await consumeState(deps(), 'A'.repeat(43))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rejects malformed states without touching the table', async () => {
    const commands = recordCommands(table.dynamo);
    for (const s of [undefined, '', 'short', 'A'.repeat(44), `${'A'.repeat(42)}=`, '<script>alert(1)</script>xxxxxxxxxxxxxxxxxxxxx']) {
      expect(await consumeState(deps(), s)).toEqual({ ok: false, reason: 'invalid' });
    }
    commands.stop();
    expect(commands.names).toEqual([]);
  });

  it('an expired state is refused even though the store still had it (TTL deletes late; the local store never), and is consumed all the same', async () => {
    const { state } = await issued();
    now = NOW + STATE_TTL_MS;
    expect(await consumeState(deps(), state)).toEqual({ ok: false, reason: 'expired' });
    expect(await stored(state)).toBeUndefined();
  });

  it('a tampered or swapped verifier does not open', async () => {
    const a = await issued();
    const b = await issued();
    const put = (item: Record<string, unknown>) => table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: item }));
    await put({ ...a.item, verifier: { ...(a.item.verifier as object), ct: Buffer.from('x'.repeat(43)).toString('base64') } });
    expect(await consumeState(deps(), a.state)).toEqual({ ok: false, reason: 'invalid' });
    await put({ ...a.item, verifier: b.item.verifier });
    expect(await consumeState(deps(), a.state)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('a store failure on consumption surfaces (it is not mistaken for a spent state)', async () => {
    const { state } = await issued();
    const fault = injectDynamoFault({ command: 'DeleteItemCommand', kind: 'access_denied' }, table.dynamo);
    try {
      await expect(consumeState(deps(), state)).rejects.toMatchObject({ name: 'AccessDeniedException' });
    } finally {
      fault.remove();
    }
    expect((await consumeState(deps(), state)).ok).toBe(true);
  });
});
