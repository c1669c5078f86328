import { isIP } from 'node:net';

/**
 * Which URLs an agent may fetch: those an entry of org.yaml `web.allow` (or its resume's
 * `web_allow`) names. An entry is a host (`docs.python.org`: that host on the scheme's usual port;
 * `*.python.org`: its sub-domains; `127.0.0.1:8080`: that host and port) or a URL prefix
 * (`https://api.github.com/repos/`: that scheme, host and port, and paths under that one). Pure.
 */

/** The entry that lets a URL through, and whether it names its host as an address (which lets a private one through). */
export interface AllowMatch {
  entry: string;
  /** The entry names the host by its IP address or as `localhost`: a private or loopback address is then meant. */
  namesAddress: boolean;
}

function bareHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

function hostMatches(pattern: string, hostname: string): boolean {
  if (pattern.startsWith('*.')) return hostname.endsWith(pattern.slice(1)) && hostname.length > pattern.length - 1;
  return pattern === hostname;
}

function namesAddress(host: string): boolean {
  const bare = bareHost(host);
  return isIP(bare) !== 0 || bare === 'localhost';
}

/** Does `entry` allow `url`? */
function matchOne(entry: string, url: URL): AllowMatch | undefined {
  if (/^https?:\/\//i.test(entry)) {
    let prefix: URL;
    try {
      prefix = new URL(entry);
    } catch {
      return undefined;
    }
    if (prefix.protocol !== url.protocol || prefix.host !== url.host) return undefined;
    if (!url.pathname.startsWith(prefix.pathname)) return undefined;
    return { entry, namesAddress: namesAddress(prefix.hostname) };
  }
  const hostname = bareHost(url.hostname);
  // `host:port` (or `[v6]:port`) names a port; a bare host means the scheme's usual one.
  const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
  if (withPort) {
    if (!hostMatches(bareHost(withPort[1] ?? ''), hostname) || url.port !== withPort[2]) return undefined;
    return { entry, namesAddress: namesAddress(withPort[1] ?? '') };
  }
  if (url.port !== '' || !hostMatches(bareHost(entry), hostname)) return undefined;
  return { entry, namesAddress: namesAddress(entry) };
}

/** The first entry that allows `url`, or undefined: nothing is fetched that no entry names. */
export function allowedBy(url: URL, entries: readonly string[]): AllowMatch | undefined {
  for (const entry of entries) {
    const match = matchOne(entry.trim(), url);
    if (match) return match;
  }
  return undefined;
}
