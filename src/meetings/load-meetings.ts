import { loadEditedFile, MAX_ORG_YAML_BYTES, parseEdited } from '../editable/edited-file.js';
import type { Problem } from '../errors.js';
import type { FileChanges } from '../org/check-candidate.js';
import { keptByStamp } from '../editable/kept-by-stamp.js';
import { unreadYamlFiles, yamlNamesIn } from '../editable/named-yaml-files.js';
import { isValidAgentName } from '../org/names.js';
import type { Org } from '../org/org.js';
import { meetingFile, MEETINGS_FOLDER, parseMeeting, type LoadedMeeting } from './meeting-file.js';

/** The names of the org's meetings, in name order: the files under org/meetings/ whose names pass the name rule. */
export function meetingNames(root: string): string[] {
  return yamlNamesIn(`${root}/${MEETINGS_FOLDER}`);
}

/** Per file, in this process, with the org it was checked against (a turn plans with it, `status` asks again). */
const loaded = keptByStamp<LoadedMeeting>();

/**
 * The meeting `name` of the org at `root`, read through the one loader of editable files and checked
 * against the org (meeting-file.ts); undefined when there is no such file. A file unchanged since it was
 * last read, checked against the same org, is not read again.
 */
export function loadMeeting(root: string, org: Pick<Org, 'agents'>, name: string): LoadedMeeting | undefined {
  if (!isValidAgentName(name)) return undefined;
  const file = meetingFile(name);
  const path = `${root}/${file}`;
  return loaded(path, org, () => {
    const read = loadEditedFile(path, file, MAX_ORG_YAML_BYTES, (text) => parseMeeting(text, name, org), root);
    return 'missing' in read ? undefined : read;
  });
}

/** Every meeting file of the org, read and checked: what a turn's plan, `validate` and `status` look at. */
export function loadMeetings(root: string, org: Pick<Org, 'agents'>): LoadedMeeting[] {
  return meetingNames(root).flatMap((name) => {
    const one = loadMeeting(root, org, name);
    return one ? [one] : [];
  });
}

/**
 * Every problem of the org's meetings, for `lemming validate`: each file's own, checked against the
 * org. `changed` gives the text a change would leave a meeting file with (null: removed): a proposal
 * is checked on the meetings it would make.
 */
export function meetingProblems(root: string, org: Pick<Org, 'agents'>, changed?: FileChanges): Problem[] {
  const unread = unreadYamlFiles(root, MEETINGS_FOLDER, 'a meeting', 'release-sync');
  return unread.concat(
    meetingNames(root).flatMap((name) => {
      const text = changed?.get(meetingFile(name));
      if (text === null) return [];
      const one = text === undefined ? loadMeeting(root, org, name) : parseEdited(meetingFile(name), () => parseMeeting(text, name, org));
      return one?.problems ?? [];
    }),
  );
}
