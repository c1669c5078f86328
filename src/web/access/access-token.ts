import { randomBytes, timingSafeEqual } from 'node:crypto';
import { LemmingError } from '../../errors.js';

/** The environment variable that gives `lemming serve` its token; required to bind beyond loopback. */
export const TOKEN_VARIABLE = 'LEMMING_TOKEN';

/** A token a person could not guess: 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether `host` only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The token a server on `host` will ask for: the environment's `LEMMING_TOKEN` when set,
 * else a fresh random one, which only a loopback address may use: anyone who can reach
 * another address must be kept out by a token the person chose and keeps.
 */
export function chooseToken(host: string, env: NodeJS.ProcessEnv = process.env): { token: string; fromEnvironment: boolean } {
  const given = env[TOKEN_VARIABLE];
  if (given !== undefined && given !== '') {
    if (given.length < 16) throw new LemmingError('weak-token', `${TOKEN_VARIABLE} is too short to keep anyone out: use 16 or more characters, for example \`export ${TOKEN_VARIABLE}=$(openssl rand -hex 16)\``, { exitCode: 2 });
    return { token: given, fromEnvironment: true };
  }
  if (!isLoopback(host)) {
    throw new LemmingError(
      'token-required',
      `serving on ${host} lets other machines reach the org: set ${TOKEN_VARIABLE} to a secret of 16 or more characters first, for example \`${TOKEN_VARIABLE}=$(openssl rand -hex 16) lemming serve --host ${host}\``,
      { exitCode: 2 },
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
