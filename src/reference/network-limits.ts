import { EXIT, LemmingError } from '../errors.js';
import { formatCount } from '../format/format.js';

/**
 * How large a network lemming reads (`analyze --reference`, `import-network`): every input has a
 * bound, so no file makes the reading or the measures run without end. Triangles take O(m·√m)
 * steps (triangles.ts): at a million edges a few billion at the very worst, seconds in practice.
 * SNAP's email networks are within them (email-Eu-core 25,571 edges, email-Enron 367,662,
 * email-EuAll 420,045 and 265,214 people).
 */
export const NETWORK_LIMITS = Object.freeze({
  /** The most bytes of an edge list or a labels file. */
  fileBytes: 64 * 1024 * 1024,
  /** The most distinct directed edges, self-loops included. */
  edges: 1_000_000,
  /** The most people, those of the labels included. */
  people: 1_000_000,
});

/** `1,000,001st`. */
export function ordinal(count: number): string {
  const lastTwo = count % 100;
  const suffix = lastTwo >= 11 && lastTwo <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][count % 10] ?? 'th');
  return `${formatCount(count)}${suffix}`;
}

/** The error for a network past its bound of edges or people, at the place (`file:line`) it went past and what went past. */
export function networkTooLarge(where: string, what: string): LemmingError {
  return new LemmingError('network-too-large', `${where}: ${what}; a network read by lemming has at most ${formatCount(NETWORK_LIMITS.edges)} edges and ${formatCount(NETWORK_LIMITS.people)} people: give a part of it`, { exitCode: EXIT.usage });
}
