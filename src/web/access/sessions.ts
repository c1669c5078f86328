import { createHash, randomBytes } from 'node:crypto';

/** How many sessions a server keeps; opening the printed URL more often than this forgets the oldest. */
export const MAX_SESSIONS = 1000;

/** A session id as it is kept: its SHA-256, so how long a lookup takes says nothing about a live id. */
function digest(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

/**
 * The browser sessions of one server: random ids, handed out when the printed URL's token is
 * traded, that only this server can map back. The cookie holds one of these, never the token:
 * browsers send a cookie to every port of its host, so any other service on loopback the browser
 * visits receives it, and what it receives is worth nothing once this server stops. Kept in
 * memory only: a restart forgets every session, and the person opens the printed URL again.
 */
export class Sessions {
  private readonly open = new Set<string>();

  /** A new session: 32 random bytes, URL-safe. */
  create(): string {
    const id = randomBytes(32).toString('base64url');
    this.open.add(digest(id));
    if (this.open.size > MAX_SESSIONS) this.open.delete(this.open.values().next().value as string);
    return id;
  }

  /** Whether `id` is a session this server handed out (and still keeps). */
  has(id: string | undefined): boolean {
    return id !== undefined && id !== '' && this.open.has(digest(id));
  }
}
