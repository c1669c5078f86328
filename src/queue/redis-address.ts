import type { RedisOptions } from 'ioredis';
import { EXIT, LemmingError } from '../errors.js';

/** An example of a valid queue address, shown next to an error about one. */
export const QUEUE_EXAMPLE = 'redis://127.0.0.1:6379';

/**
 * Check a queue address (`--queue` or org.yaml `engine.queue`) before anything connects to it.
 * `where` names the flag or field, so the error points at what to fix.
 */
export function parseRedisAddress(address: string, where: string): string {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new LemmingError('bad-queue', `${where}: ${JSON.stringify(address)} is not a Redis address; for example ${QUEUE_EXAMPLE}`, { exitCode: EXIT.usage });
  }
  if ((url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new LemmingError('bad-queue', `${where}: ${JSON.stringify(address)} is not a Redis address (redis://HOST:PORT); for example ${QUEUE_EXAMPLE}`, {
      exitCode: EXIT.usage,
    });
  }
  return address;
}

/** The address as it may be shown: a password in it is never printed or logged. */
export function showAddress(address: string): string {
  try {
    const url = new URL(address);
    if (url.password !== '') url.password = '***';
    return url.toString().replace(/\/$/, '');
  } catch {
    return address;
  }
}

/**
 * ioredis settings for an address. BullMQ wants `maxRetriesPerRequest: null` so a blocking
 * read waits through a reconnect instead of failing; each Queue, QueueEvents and Worker
 * builds its own connection from these.
 */
export function connectionOptions(address: string): RedisOptions {
  const url = new URL(address);
  const database = url.pathname.replace(/^\//, '');
  return {
    host: url.hostname,
    port: url.port === '' ? 6379 : Number(url.port),
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    ...(database === '' ? {} : { db: Number(database) }),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}
