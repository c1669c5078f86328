import { uniformOffsets } from '../statistics/sampling.js';
import { directedNetwork, type DirectedNetwork } from './directed-network.js';
import { formatCount } from '../format/format.js';
import { dataLines, ID, readText, refuse, type LineProblem } from './edge-list.js';
import { NETWORK_LIMITS, networkTooLarge, ordinal } from './network-limits.js';

/**
 * A timestamped edge list, SNAP's temporal format: a line per email, `SENDER RECIPIENT SECONDS`
 * (SNAP's email-Eu-core-temporal: 986 people, 332,334 emails over 803 days), and the windows of it a
 * run is read against: a run of some turns is a short stretch of an organisation's life, so its
 * network is held to what the institution's email of a stretch of that length looks like, not to the
 * union of 18 months. A window's network has every person of the file (one who sent nothing in it
 * never writes) and an edge for each pair with at least one email in it. Windows start at seeded
 * random times within the data's span, so the same seed draws the same windows. Pure but for
 * readTimedEdges.
 */
export interface TimedEdges {
  file: string;
  /** Every person named, in the order first named. */
  people: string[];
  /** Each email as indices into `people` and its time in seconds, sorted by time. */
  emails: Array<{ from: number; to: number; at: number }>;
}

/** The most emails a timestamped list holds: email-Eu-core-temporal has 332,334. */
export const MAX_EMAILS = 5_000_000;

const SECONDS = /^\d{1,15}$/;
const EXAMPLE = '582 364 2797';

/** A timestamped edge list from its text; every bad line a problem, `tooLarge` the line past a bound. Pure. */
export function parseTimedEdges(text: string, file: string): { edges: TimedEdges; problems: LineProblem[]; tooLarge?: LineProblem } {
  const people: string[] = [];
  const index = new Map<string, number>();
  const emails: TimedEdges['emails'] = [];
  const problems: LineProblem[] = [];
  const indexOf = (person: string): number => {
    let at = index.get(person);
    if (at === undefined) {
      at = people.length;
      index.set(person, at);
      people.push(person);
    }
    return at;
  };
  for (const { line, fields } of dataLines(text)) {
    const [from, to, at] = fields;
    if (fields.length !== 3) problems.push({ line, message: `has ${fields.length} field(s); a line holds three, the sender, the recipient and the time in seconds, separated by a space or a tab, like \`${EXAMPLE}\`` });
    else if (!ID.test(from as string) || !ID.test(to as string)) problems.push({ line, message: `the sender and the recipient are ids (letters, digits, "_", "-", "."; at most 64); a valid line looks like \`${EXAMPLE}\`` });
    else if (!SECONDS.test(at as string)) problems.push({ line, message: `the time ${JSON.stringify((at as string).slice(0, 40))} is not a whole number of seconds; a valid line looks like \`${EXAMPLE}\`` });
    else {
      if (emails.length === MAX_EMAILS) return { edges: { file, people, emails }, problems, tooLarge: { line, message: `the ${ordinal(MAX_EMAILS + 1)} email (a timestamped list holds at most ${formatCount(MAX_EMAILS)})` } };
      emails.push({ from: indexOf(from as string), to: indexOf(to as string), at: Number(at) });
      if (people.length > NETWORK_LIMITS.people) return { edges: { file, people, emails }, problems, tooLarge: { line, message: `names the ${ordinal(NETWORK_LIMITS.people + 1)} person` } };
    }
  }
  if (emails.length === 0 && problems.length === 0) problems.push({ line: 1, message: `holds no email; a line per email, \`SENDER RECIPIENT SECONDS\`, like \`${EXAMPLE}\`` });
  emails.sort((left, right) => left.at - right.at);
  return { edges: { file, people, emails }, problems };
}

/** Read a timestamped edge list; exit 2 naming every bad line (the first ten). */
export function readTimedEdges(file: string): TimedEdges {
  const { edges, problems, tooLarge } = parseTimedEdges(readText(file, 'timestamped edge list'), file);
  if (problems.length > 0) refuse(file, problems);
  if (tooLarge !== undefined) throw networkTooLarge(`${file}:${tooLarge.line}`, tooLarge.message);
  return edges;
}

const DAY = 24 * 60 * 60;

/** The first email at or after `time` (binary search on the sorted times). */
function firstAtOrAfter(emails: TimedEdges['emails'], time: number): number {
  let low = 0;
  let high = emails.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((emails[middle] as { at: number }).at < time) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The span of the data in days (its last email's time less its first's). */
export function spanDays(edges: TimedEdges): number {
  const first = edges.emails[0]?.at ?? 0;
  const last = edges.emails.at(-1)?.at ?? 0;
  return (last - first) / DAY;
}

/** The network of the emails sent in [start, start + days). */
export function windowNetwork(edges: TimedEdges, startSeconds: number, days: number): DirectedNetwork {
  const from = firstAtOrAfter(edges.emails, startSeconds);
  const to = firstAtOrAfter(edges.emails, startSeconds + days * DAY);
  const pairs: Array<[string, string]> = [];
  for (let at = from; at < to; at += 1) {
    const email = edges.emails[at] as { from: number; to: number };
    pairs.push([edges.people[email.from] as string, edges.people[email.to] as string]);
  }
  return directedNetwork(edges.people, pairs);
}

/** `count` windows of `days` each, starting at seeded random times within the data's span (the whole span when it is no longer). */
export function randomWindows(edges: TimedEdges, days: number, count: number, seed: number): DirectedNetwork[] {
  const first = edges.emails[0]?.at ?? 0;
  const room = Math.max(0, spanDays(edges) - days) * DAY;
  return uniformOffsets(count, room, seed).map((offset) => windowNetwork(edges, first + offset, days));
}
