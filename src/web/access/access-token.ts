import { randomBytes, timingSafeEqual } from 'node:crypto';
import { EXIT, LemmingError } from '../../errors.js';
import { environment } from '../../invocation.js';

/** The environment variable that gives `lemming serve` its token; required to bind beyond loopback. */
export const TOKEN_VARIABLE = 'LEMMING_TOKEN';

/** A token a person could not guess: 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether `host` (a name or an address, IPv6 with or without brackets) only means this machine: localhost, 127.0.0.0/8, ::1. */
export function isLoopback(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost' || name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}

/** The fewest characters a token the person chooses may have. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Refuse a token that would not keep anyone out: shorter than 16 characters, or holding
 * whitespace (sixteen spaces are sixteen characters, and a token with a space or a line break
 * in it is a pasting accident that would not survive a URL or a header either).
 */
export function checkToken(token: string, source = TOKEN_VARIABLE): void {
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    const what = /\s/.test(token) ? 'holds whitespace' : `has ${token.length} character(s)`;
    throw new LemmingError(
      'weak-token',
      `${source} ${what}: a token needs ${MIN_TOKEN_LENGTH} or more characters and no spaces to keep anyone out, for example \`export ${TOKEN_VARIABLE}=$(openssl rand -hex 16)\``,
      { exitCode: EXIT.usage },
    );
  }
}

/**
 * The token a server on `host` will ask for: the environment's `LEMMING_TOKEN` when set
 * (see `checkToken`), else a fresh random one, which only a loopback address may use: anyone
 * who can reach another address must be kept out by a token the person chose and keeps.
 */
export function chooseToken(host: string, env: Readonly<Record<string, string | undefined>> = environment()): { token: string; fromEnvironment: boolean } {
  const given = env[TOKEN_VARIABLE];
  if (given !== undefined && given !== '') {
    checkToken(given);
    return { token: given, fromEnvironment: true };
  }
  if (!isLoopback(host)) {
    throw new LemmingError(
      'token-required',
      `serving on ${host} lets other machines reach the org: set ${TOKEN_VARIABLE} to a secret of ${MIN_TOKEN_LENGTH} or more characters first, for example \`${TOKEN_VARIABLE}=$(openssl rand -hex 16) lemming serve --host ${host}\``,
      { exitCode: EXIT.usage },
    );
  }
  return { token: newToken(), fromEnvironment: false };
}

/** Compare a presented token with the real one in time that does not depend on where they differ. */
export function sameToken(presented: string | undefined, token: string): boolean {
  if (presented === undefined) return false;
  const left = Buffer.from(presented);
  const right = Buffer.from(token);
  return left.length === right.length && timingSafeEqual(left, right);
}
