/**
 * The notes the offline model keeps about work it handed down, one per task, and a short
 * list of what came back lately: what it knows when someone asks how things stand.
 */

import { shorten } from './compose.js';

/** A task handed to a member of the team, as its note records it. */
export interface TaskNote {
  /** Who asked for it, and the id of their message (the reply goes to it). */
  asker: string;
  askerMessage: string;
  /** Who it was handed to and has not reported yet: one name, or several ("researcher_01, researcher_02") when it was split. */
  delegate: string;
  /** True once it went to a colleague to be checked: their answer is the last report awaited. */
  checked?: boolean;
  /** True when it is a question the notes could not answer, passed on to find out (pass-question.ts). */
  question?: boolean;
  /** The task's subject, and the turn it was handed over. */
  task: string;
  since: number;
  /** Those the request was copied to (reply all): the answer that goes back copies them too. */
  copies?: string[];
}

/** The note of finished work: its last few lines, newest last. */
export const RECENT_WORK_KEY = 'recent-work';
const RECENT_WORK_LINES = 5;

/**
 * The most of a task's words its note keeps, cut at a word with "…". A note is shown to the next call
 * only if it fits the notes a prompt shows (org.yaml context.max_memory_chars, 4,000 by default, for
 * all of them): a task of one 5,000-character line, noted whole, was never seen again, and its report
 * went nowhere.
 */
export const NOTE_TASK_CHARS = 500;

/** The text of a task's note. */
export function formatTaskNote(note: TaskNote): string {
  return `asker: ${note.asker}\nasker_message: ${note.askerMessage}\ndelegate: ${note.delegate}\ntask: ${shorten(note.task, NOTE_TASK_CHARS)}\nsince: turn ${note.since}${note.checked ? '\nchecked: yes' : ''}${note.question ? '\nquestion: yes' : ''}${note.copies && note.copies.length > 0 ? `\ncopies: ${note.copies.join(', ')}` : ''}`;
}

/** A task's note read back, or undefined when it is not one (a note of another kind, or one it wrote before it kept `task:`). */
export function parseTaskNote(text: string | undefined): TaskNote | undefined {
  if (!text) return undefined;
  const field = (name: string): string | undefined => new RegExp(`^${name}: (.*)$`, 'm').exec(text)?.[1]?.trim();
  const asker = field('asker');
  const askerMessage = field('asker_message');
  const delegate = field('delegate');
  if (!asker || !askerMessage || !delegate) return undefined;
  const since = Number(/\d+/.exec(field('since') ?? '')?.[0] ?? 0);
  const copies = field('copies')?.split(/,\s*/).filter((name) => name !== '');
  return { asker, askerMessage, delegate, task: field('task') ?? '(a task)', since, ...(field('checked') === 'yes' ? { checked: true } : {}), ...(field('question') === 'yes' ? { question: true } : {}), ...(copies && copies.length > 0 ? { copies } : {}) };
}

/** Who still has a task: the names of its note's `delegate`. */
export function holdersOf(note: TaskNote): string[] {
  return note.delegate.split(/,\s*/).filter((name) => name !== '');
}

/** The key of the reports a split or checked task has gathered so far, beside its note's key. */
export function reportsKey(taskKey: string): string {
  return taskKey.replace(/^task-/, 'done-');
}

/** Every open task in the notes, oldest first. */
export function openTasks(memory: ReadonlyMap<string, string>): TaskNote[] {
  const tasks: TaskNote[] = [];
  for (const [key, text] of memory) {
    if (!key.startsWith('task-')) continue;
    const note = parseTaskNote(text);
    if (note) tasks.push(note);
  }
  return tasks.sort((left, right) => left.since - right.since);
}

/** The list of finished work with one more line, keeping the last few. */
export function addRecentWork(previous: string | undefined, line: string): string {
  const lines = (previous ?? '').split('\n').filter((existing) => existing.trim() !== '');
  return [...lines, line].slice(-RECENT_WORK_LINES).join('\n');
}
