/** The OAuth state: hashed at rest, 10-minute TTL, one-time consumption, PKCE verifier sealed under the state. */
import { createHash } from 'node:crypto';
import { DynamoDBClient, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { consumeState, hashState, issueState, STATE_TTL_MS } from '../../shared/connect/state.ts';
import { isPkceVerifier } from '../../shared/tiktok/index.ts';

const NOW = 1_800_000_000_000;
const ddb = mockClient(DynamoDBDocumentClient);
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const binding = { tenantId: 'tn_a', linkId: 'cl_AAAAAAAAAAAAAAAAAAAAAA', redirectUri: 'https://api.example.com/v1/oauth/callback' };

describe('OAuth state', () => {
  let now = NOW;
  const deps = { dynamo, tableName: 't', now: () => now };
  beforeEach(() => {
    ddb.reset();
    now = NOW;
  });

  /** Issues a state and returns it with the item that was written. */
  async function issued() {
    ddb.on(PutCommand).resolves({});
    const out = await issueState(deps, binding);
    const item = ddb.commandCalls(PutCommand)[0]!.args[0].input.Item!;
    return { ...out, item };
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
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.ConditionExpression).toBe('attribute_not_exists(pk)');
    const second = await issueState(deps, binding);
    expect(second.state).not.toBe(state);
    expect(second.codeVerifier).not.toBe(codeVerifier);
  });

  it('consumes with one conditional delete returning the old item, and gives back the verifier', async () => {
    const { state, codeVerifier, item } = await issued();
    ddb.on(DeleteCommand).resolves({ Attributes: item });
    now = NOW + STATE_TTL_MS - 1;
    expect(await consumeState(deps, state)).toEqual({ ok: true, stateHash: hashState(state), binding, codeVerifier });
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input).toMatchObject({
      Key: { pk: `STATE#${hashState(state)}`, sk: 'STATE' },
      ConditionExpression: 'attribute_exists(pk)',
      ReturnValues: 'ALL_OLD',
    });
  });

  it('a replayed (already deleted) or forged state is invalid', async () => {
    ddb.on(DeleteCommand).rejects(new ConditionalCheckFailedException({ message: 'gone', $metadata: {} }));
    expect(await consumeState(deps, 'A'.repeat(43))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rejects malformed states without touching the table', async () => {
    for (const s of [undefined, '', 'short', 'A'.repeat(44), `${'A'.repeat(42)}=`, '<script>alert(1)</script>xxxxxxxxxxxxxxxxxxxxx']) {
      expect(await consumeState(deps, s)).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('an expired state is refused even though the store still had it (TTL deletes late; the local store never)', async () => {
    const { state, item } = await issued();
    ddb.on(DeleteCommand).resolves({ Attributes: item });
    now = NOW + STATE_TTL_MS;
    expect(await consumeState(deps, state)).toEqual({ ok: false, reason: 'expired' });
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(1); // consumed all the same
  });

  it('a tampered or swapped verifier does not open', async () => {
    const a = await issued();
    ddb.reset();
    const b = await issued();
    const flipped = { ...a.item, verifier: { ...(a.item.verifier as object), ct: Buffer.from('x'.repeat(43)).toString('base64') } };
    ddb.on(DeleteCommand).resolvesOnce({ Attributes: flipped }).resolvesOnce({ Attributes: { ...a.item, verifier: b.item.verifier } });
    expect(await consumeState(deps, a.state)).toEqual({ ok: false, reason: 'invalid' });
    expect(await consumeState(deps, a.state)).toEqual({ ok: false, reason: 'invalid' });
  });
});
