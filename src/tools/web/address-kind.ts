import { isIP } from 'node:net';

/** What kind of place an IP address is: only `public` ones are reached by a host name without being listed as an address. */
export type AddressKind = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'reserved';

function ipv4Kind(address: string): AddressKind {
  const [a = 0, b = 0] = address.split('.').map(Number);
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 0) return 'unspecified';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240) return 'reserved';
  return 'public';
}

/** The kind of an IPv4 or IPv6 address (an IPv4 one mapped into IPv6 as the IPv4 one). Pure. */
export function addressKind(address: string): AddressKind {
  if (isIP(address) === 4) return ipv4Kind(address);
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return ipv4Kind(mapped[1] ?? '');
  if (lower === '::1') return 'loopback';
  if (lower === '::') return 'unspecified';
  if (/^f[cd]/.test(lower)) return 'private';
  if (/^fe[89ab]/.test(lower)) return 'link-local';
  if (lower.startsWith('ff')) return 'multicast';
  return 'public';
}
