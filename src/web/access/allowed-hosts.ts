import { isIPv6 } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import type { MiddlewareHandler } from 'hono';
import { isLoopback } from './access-token.js';
import { refuse } from './refusal.js';

/** What `--host` says when it means every interface of this machine. */
const ANY_INTERFACE = new Set(['0.0.0.0', '::']);

/** A host name or address as it is compared: lower case, no brackets, no final dot, IPv6 in its short form. */
export function normalHost(name: string): string {
  const bare = name.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  return isIPv6(bare) ? new URL(`http://[${bare}]/`).hostname.slice(1, -1) : bare;
}

/** The host a Host header names, without its port; undefined when the header is missing or malformed. */
export function hostOfHeader(header: string | undefined): string | undefined {
  const match = /^(?:\[([0-9a-f:.]+)\]|([^[\]:\s]+))(?::\d{1,5})?$/i.exec(header?.trim() ?? '');
  const name = match?.[1] ?? match?.[2];
  return name === undefined ? undefined : normalHost(name);
}

/** How a server learns the names of the machine it runs on (tests pass their own). */
export interface MachineNames {
  hostname(): string;
  addresses(): string[];
}

const THIS_MACHINE: MachineNames = {
  hostname: () => hostname(),
  addresses: () => Object.values(networkInterfaces()).flatMap((addresses) => (addresses ?? []).map((address) => address.address)),
};

function namesOf(machine: MachineNames): Set<string> {
  return new Set([machine.hostname(), ...machine.addresses()].map(normalHost));
}

/**
 * Whether a Host header names this server: a loopback name or address (localhost, 127.0.0.0/8,
 * ::1) or the `--host` it listens on; with `--host 0.0.0.0` or `::` (every interface), also
 * the machine's own host name and the address of each of its interfaces. Anything else is a
 * name someone pointed at this machine, which is how a DNS-rebinding page reaches a local
 * server through the visitor's browser.
 */
export function hostChecker(listenHost: string, machine: MachineNames = THIS_MACHINE): (header: string | undefined) => boolean {
  const listen = normalHost(listenHost);
  const anyInterface = ANY_INTERFACE.has(listen);
  let machineNames = anyInterface ? namesOf(machine) : new Set<string>();
  return (header) => {
    const name = hostOfHeader(header);
    if (name === undefined) return false;
    if (isLoopback(name) || name === listen) return true;
    if (!anyInterface) return false;
    if (machineNames.has(name)) return true;
    // Interfaces come and go (a VPN, a new lease): look again before refusing.
    machineNames = namesOf(machine);
    return machineNames.has(name);
  };
}

/**
 * Refuse (421 Misdirected Request) a request whose Host header does not name this server, before
 * anything else looks at it: the token, the session, the body. `printed` is the address the
 * server printed, for the message.
 */
export function requireOwnHost(listenHost: string, printed: () => string, machine?: MachineNames): MiddlewareHandler {
  const isOwn = hostChecker(listenHost, machine);
  return async (context, next) => {
    const header = context.req.header('host');
    if (isOwn(header)) return next();
    const named = header === undefined ? 'no host (the request has no Host header)' : JSON.stringify(header);
    return refuse(
      context,
      421,
      'wrong-host',
      `This dashboard answers only to the names of this machine, and this request was for ${named}: a page that points its own name at this machine gets nothing here. Open the address lemming serve printed, ${printed()}`,
    );
  };
}
