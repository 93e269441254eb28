/** Standard Webhooks signing: the specification's own test vector, svix's verifier, a wrong secret, rotation. */
import { Webhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signedHeaders, signPayload } from '../../shared/webhooks/signing.ts';

describe('Standard Webhooks signing', () => {
  it('matches the specification test vector', () => {
    // standard-webhooks/standard-webhooks spec: secret, msg id, timestamp, payload -> v1 signature.
    const sig = signPayload('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(sig).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies with svix and fails with a wrong secret', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ type: 'webhook.test', timestamp: new Date().toISOString(), data: { a: 1 } });
    const headers = signedHeaders([secret], 'msg_0123456789abcdef01234567', Math.floor(Date.now() / 1000), body);
    expect(new Webhook(secret).verify(body, headers)).toMatchObject({ type: 'webhook.test' });
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body.replace('1', '2'), headers)).toThrow();
  });

  it('sends both signatures during a rotation: either secret verifies', () => {
    const [oldSecret, newSecret] = [newWebhookSecret(), newWebhookSecret()];
    const body = '{"type":"x","timestamp":"t","data":{}}';
    const headers = signedHeaders([newSecret, oldSecret], 'msg_0123456789abcdef01234567', Math.floor(Date.now() / 1000), body);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, headers)).not.toThrow();
  });
});
