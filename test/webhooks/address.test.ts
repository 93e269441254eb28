/** Which webhook targets are refused (docs/webhooks.md "Server-side request forgery"). */
import { describe, expect, it } from 'vitest';
import { checkAddress } from '../../shared/webhooks/address.ts';
import { validateTargetUrl } from '../../shared/webhooks/target.ts';

const strict = { allowPrivateTargets: false };
const local = { allowPrivateTargets: true };
const resolvesTo = (...ips: string[]) => async () => ips;

describe('webhook targets', () => {
  it('never allows link-local or metadata addresses, even locally', () => {
    for (const ip of ['169.254.169.254', '169.254.0.1', 'fe80::1', 'fd00:ec2::254', '100.100.100.200', '0.0.0.0', '::', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '224.0.0.1']) {
      expect(checkAddress(ip, true).ok, ip).toBe(false);
    }
  });

  it('refuses loopback and private ranges in AWS mode, allows them locally', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '100.64.0.1', '::1', 'fc00::1', '::ffff:127.0.0.1']) {
      expect(checkAddress(ip, false).ok, ip).toBe(false);
      expect(checkAddress(ip, true).ok, ip).toBe(true);
    }
    expect(checkAddress('93.184.216.34', false).ok).toBe(true);
    expect(checkAddress('2606:2800:220:1:248:1893:25c8:1946', false).ok).toBe(true);
  });

  it('answers 400 naming url', async () => {
    const refused = [
      ['http://169.254.169.254/latest/meta-data/', local],
      ['https://169.254.169.254/', strict],
      ['https://10.0.0.5/hook', strict],
      ['https://192.168.0.10/hook', strict],
      ['https://[::1]/hook', strict],
      ['http://[fe80::1]/hook', local],
      ['http://example.com/hook', strict],
      ['ftp://example.com/hook', local],
      ['https://user:pw@example.com/hook', strict],
      [`https://example.com/${'a'.repeat(2100)}`, strict],
    ] as const;
    for (const [url, policy] of refused) {
      await expect(validateTargetUrl(url, policy, resolvesTo('93.184.216.34')), url).rejects.toMatchObject({ kind: 'invalid', field: 'url' });
    }
  });

  it('resolves names: a name resolving to a private address is refused in AWS mode', async () => {
    await expect(validateTargetUrl('https://internal.example.com/hook', strict, resolvesTo('93.184.216.34', '10.0.0.7'))).rejects.toMatchObject({
      field: 'url',
      message: expect.stringContaining('resolves to 10.0.0.7'),
    });
    await expect(validateTargetUrl('https://metadata.example.com/', local, resolvesTo('169.254.169.254'))).rejects.toMatchObject({ field: 'url' });
    await expect(validateTargetUrl('https://hooks.example.com/x', strict, resolvesTo('93.184.216.34'))).resolves.toBeInstanceOf(URL);
    // The real resolver: localhost is loopback.
    await expect(validateTargetUrl('https://localhost/hook', strict)).rejects.toMatchObject({ field: 'url' });
  });

  it('Slack subscriptions in AWS mode post to hooks.slack.com only', async () => {
    await expect(validateTargetUrl('https://example.com/x', { ...strict, slack: true }, resolvesTo('93.184.216.34'))).rejects.toMatchObject({ field: 'url' });
    await expect(validateTargetUrl('https://hooks.slack.com/services/T/B/X', { ...strict, slack: true }, resolvesTo('3.3.3.3'))).resolves.toBeInstanceOf(URL);
  });
});
