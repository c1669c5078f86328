import { createHash } from 'node:crypto';

/** Words that say little about who should do a task. */
const STOP_WORDS = new Set(
  'a an and are as at be by for from has have i in is it its of on or our please that the this to was we will with you your'.split(' '),
);

/**
 * The distinct lower-case words of text longer than two letters, stop words left out: what the
 * offline model matches tasks on.
 */
export function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((word) => word.length > 2 && !STOP_WORDS.has(word)),
  );
}

/** A stable number from text, for choices that must be the same on every run. */
export function stableHash(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/** The longest subject the offline model writes: a longer task's subject is cut at a word, with "…". */
export const SUBJECT_CHARS = 60;

/** Text cut to at most `max` characters at a word boundary, ending with "…" when cut. */
export function shorten(text: string, max = SUBJECT_CHARS): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd().replace(/[\s,;:.-]+$/, '')}…`;
}

/** The first line of a task's own words (the hand-over lines left out). */
function firstLineOf(body: string): string {
  return stripDelegation(body).split('\n')[0]?.trim() ?? '';
}

/** The subject a task goes by: its own, or its first line, cut at a word to 60 characters with "…". */
export function subjectOf(subject: string | undefined, body: string): string {
  const given = subject?.trim();
  if (given) return given;
  const firstLine = firstLineOf(body);
  return firstLine === '' ? 'A task' : shorten(firstLine);
}

/**
 * The task in its own words, whole, for where a person reads it (a report's "Done:", a hired
 * colleague's instructions): its subject, or, when that subject is its first line shortened
 * ("…"), the whole first line.
 */
export function wholeTask(subject: string | undefined, body: string): string {
  const given = stripReply(subject ?? '');
  const firstLine = firstLineOf(body);
  if (given === '') return firstLine || 'A task';
  if (given.endsWith('…') && firstLine.startsWith(given.slice(0, -1).trimEnd())) return firstLine;
  return given;
}

/** A subject without its leading `Re:` prefixes, however many. */
export function stripReply(subject: string): string {
  return subject.replace(/^(re:\s*)+/i, '').trim();
}

/** A name made of a text's words, lower case and joined by "-", at most `max` characters, cut between words. */
export function slugOf(text: string, max: number): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  if (slug.length <= max) return slug;
  const cut = slug.slice(0, max + 1);
  const at = cut.lastIndexOf('-');
  return (at > max / 2 ? cut.slice(0, at) : slug.slice(0, max)).replace(/-$/, '');
}

/** A memory key for a task, made of safe characters only (at most 64: the key is a file name). */
export function taskKey(subject: string): string {
  return `task-${slugOf(stripReply(subject).replace(/…$/, ''), 58) || 'untitled'}`;
}

/**
 * What a report says, without the relaying around it: a report that passes another's on ("… is done
 * (via coder_01). The report:" and the report quoted) is the quoted report; any other, itself.
 */
export function relayed(report: string): string[] {
  const lines = report.trim().split('\n');
  const quoted = lines.filter((line) => line.startsWith('>'));
  return quoted.length > 0 ? quoted.map((line) => line.replace(/^> ?/, '')) : lines;
}

/**
 * The note an agent that delegated sends up once the work comes back. It passes on
 * the report of whoever did the work, unwrapped from any roll-ups on the way, so
 * the person at the top reads the worker's own words (its first `maxLines` lines: several
 * reports and their check, put together, are allowed more).
 */
export function composeRollUp(delegate: string, subject: string, report: string, maxLines = 20, opening?: string): string {
  const lines = report.trim().split('\n');
  const quoted = lines.filter((line) => line.startsWith('>'));
  const original = relayed(report);
  const body = original.slice(0, maxLines).map((line) => (line === '' ? '>' : `> ${line}`));
  const via = quoted.length > 0 ? ` (via ${delegate})` : '';
  // A question passed on (pass-question.ts) is answered, not done: its opening says whom it was put to.
  if (opening !== undefined) return `${opening}\n\n${body.join('\n')}\n\nThat is what they found; ask me if it should be taken further.`;
  return `"${stripReply(subject)}" is done${via}. The report:\n\n${body.join('\n')}\n\nI have checked it against the request and consider it done.`;
}

/** The line an agent adds to a task it hands on: who asked, and that the report comes back to it. */
const HANDED_ON = / asked for this\. Please take it on and report back to me when it is done\.\)?/;
/** The same line as earlier versions put it, before the task. */
const DELEGATION_PREAMBLE = 'asked for this. Please take it on and report back to me when it is done.';

/**
 * What an agent says when it hands work down: the task first, in the asker's words (so the start
 * of the message, which a prompt shows beside a report that answers it, is the task), then who
 * asked and that the report comes back to it.
 */
export function composeDelegation(asker: string, body: string): string {
  return `${stripDelegation(body)}\n\n(${asker} asked for this. Please take it on and report back to me when it is done.)`;
}

/** The task itself, without the hand-over lines added on its way down (and what was added after them: a file's path). */
export function stripDelegation(body: string): string {
  let text = body.trim();
  const handedOn = /\n\n\([a-z][a-z0-9_-]* asked for this\. /.exec(text);
  if (handedOn && HANDED_ON.test(text.slice(handedOn.index))) text = text.slice(0, handedOn.index).trim();
  for (;;) {
    const index = text.indexOf(DELEGATION_PREAMBLE);
    if (index < 0 || index > 80) return text;
    text = text.slice(index + DELEGATION_PREAMBLE.length).trim();
  }
}
