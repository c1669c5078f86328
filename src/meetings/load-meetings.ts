import { readdirSync, statSync } from 'node:fs';
import { loadEditedFile, MAX_ORG_YAML_BYTES } from '../editable/edited-file.js';
import { forgetAtNextCommand } from '../invocation.js';
import { isValidAgentName } from '../org/names.js';
import type { Org } from '../org/org.js';
import { meetingFile, MEETINGS_FOLDER, parseMeeting, type LoadedMeeting } from './meeting-file.js';

/** The names of the org's meetings, in name order: the files under org/meetings/ whose names pass the name rule. */
export function meetingNames(root: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(`${root}/${MEETINGS_FOLDER}`);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => (entry.endsWith('.yaml') && isValidAgentName(entry.slice(0, -5)) ? [entry.slice(0, -5)] : [])).sort();
}

/** Per file, in this process: the stamp and org it was checked with, and what it gave (a turn plans with it, `status` asks again). */
const loaded = new Map<string, { stamp: string; org: Pick<Org, 'agents'>; result: LoadedMeeting }>();
forgetAtNextCommand(() => loaded.clear());

/**
 * The meeting `name` of the org at `root`, read through the one loader of editable files and checked
 * against the org (meeting-file.ts); undefined when there is no such file. A file unchanged since it was
 * last read, checked against the same org, is not read again.
 */
export function loadMeeting(root: string, org: Pick<Org, 'agents'>, name: string): LoadedMeeting | undefined {
  if (!isValidAgentName(name)) return undefined;
  const file = meetingFile(name);
  const path = `${root}/${file}`;
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return undefined;
  const stamp = `${stat.mtimeMs} ${stat.size}`;
  const kept = loaded.get(path);
  if (kept && kept.stamp === stamp && kept.org === org) return kept.result;
  const read = loadEditedFile(path, file, MAX_ORG_YAML_BYTES, (text) => parseMeeting(text, name, org));
  if ('missing' in read) return undefined;
  const result: LoadedMeeting = read;
  loaded.set(path, { stamp, org, result });
  return result;
}

/** Every meeting file of the org, read and checked: what a turn's plan, `validate` and `status` look at. */
export function loadMeetings(root: string, org: Pick<Org, 'agents'>): LoadedMeeting[] {
  return meetingNames(root).flatMap((name) => {
    const one = loadMeeting(root, org, name);
    return one ? [one] : [];
  });
}
