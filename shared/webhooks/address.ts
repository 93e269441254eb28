/**
 * Which addresses a webhook may reach (docs/webhooks.md "Server-side request forgery"). Checked when
 * a URL is saved and again on every address actually connected to (send.ts), so DNS rebinding
 * cannot slip a private address in between.
 *
 *   never     link-local (169.254/16, fe80::/10; cloud metadata lives there), metadata addresses
 *             elsewhere (fd00:ec2::254, 100.100.100.200), unspecified, multicast, broadcast
 *   private   loopback, RFC 1918, CGNAT, ULA, documentation/benchmark ranges: only when the
 *             local runtime's WEBHOOK_ALLOW_PRIVATE_TARGETS is on
 */
import { BlockList, isIP } from 'node:net';

const never = new BlockList();
never.addSubnet('0.0.0.0', 8, 'ipv4');
never.addSubnet('169.254.0.0', 16, 'ipv4');
never.addSubnet('224.0.0.0', 4, 'ipv4');
never.addSubnet('240.0.0.0', 4, 'ipv4');
never.addAddress('100.100.100.200', 'ipv4');
never.addAddress('168.63.129.16', 'ipv4');
never.addAddress('::', 'ipv6');
never.addSubnet('fe80::', 10, 'ipv6');
never.addSubnet('ff00::', 8, 'ipv6');
never.addAddress('fd00:ec2::254', 'ipv6');

const restricted = new BlockList();
for (const [net, bits] of [
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
] as const) restricted.addSubnet(net, bits, 'ipv4');
restricted.addAddress('::1', 'ipv6');
restricted.addSubnet('fc00::', 7, 'ipv6');
restricted.addSubnet('2001:db8::', 32, 'ipv6');
restricted.addSubnet('64:ff9b::', 96, 'ipv6');

export type AddressVerdict = { ok: true } | { ok: false; reason: string };

/** IPv4 inside an IPv6 address (::ffff:a.b.c.d, or its hex form): judged as that IPv4. */
function embeddedV4(ip: string): string | undefined {
  const lower = ip.toLowerCase();
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1]!, 16);
    const lo = parseInt(hex[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return undefined;
}

export function checkAddress(address: string, allowPrivate: boolean): AddressVerdict {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v4 = embeddedV4(bare);
  const ip = v4 ?? bare;
  const family = isIP(ip);
  if (family === 0) return { ok: false, reason: `${address} is not an IP address` };
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (ip === '255.255.255.255' || never.check(ip, type)) return { ok: false, reason: `${address} is a link-local, metadata or reserved address` };
  if (!allowPrivate && restricted.check(ip, type)) return { ok: false, reason: `${address} is a loopback or private address` };
  return { ok: true };
}
