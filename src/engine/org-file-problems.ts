import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, type Problem } from '../errors.js';
import { meetingProblems } from '../meetings/load-meetings.js';
import { MEETINGS_FOLDER } from '../meetings/meeting-file.js';
import type { FileChanges } from '../org/check-candidate.js';
import { LISTS_FOLDER, mailingListProblems } from '../org/lists/mailing-list.js';
import { INTERVENTIONS_FILE, ROUTING_FILE } from '../org/names.js';
import type { Org } from '../org/org.js';
import { loadRouting } from '../org/routing/load-routing.js';
import { interventionsFileProblems } from './interventions/carry-out-interventions.js';

/**
 * One check of `lemming validate`, so that whatever it throws is a problem naming what was being read,
 * never an "unexpected error": every file is read through the one loader of editable files, and this
 * is the net under it.
 */
export function checkedFile(file: string, check: () => Problem[]): Problem[];
export function checkedFile(file: string, check: () => Promise<Problem[]>): Promise<Problem[]>;
export function checkedFile(file: string, check: () => Problem[] | Promise<Problem[]>): Problem[] | Promise<Problem[]> {
  const failed = (error: unknown): Problem[] => [{ file, message: `could not be checked: ${errorMessage(error).split('\n')[0]}`, severity: 'error' }];
  try {
    const problems = check();
    return problems instanceof Promise ? problems.catch(failed) : problems;
  } catch (error) {
    return failed(error);
  }
}

/**
 * The checks `lemming validate` makes of the org's files that name its agents, beyond org.yaml, the
 * chart and the resumes, each against `org`: org/routing.yaml, the mailing lists, the meetings and
 * org/interventions.yaml. `changed` stands in for the lists and meetings a change would write, so a
 * proposal is checked with this code on the org it would make (engine/human/check-proposal.ts).
 */
export function orgFileProblems(root: string, org: Org, changed?: FileChanges): Problem[] {
  return [
    ...checkedFile(ROUTING_FILE, () => loadRouting(root, org).problems),
    ...checkedFile(LISTS_FOLDER, () => mailingListProblems(root, org, changed)),
    ...checkedFile(MEETINGS_FOLDER, () => meetingProblems(root, org, changed)),
    ...(existsSync(join(root, INTERVENTIONS_FILE)) ? checkedFile(INTERVENTIONS_FILE, () => interventionsFileProblems(org)) : []),
  ];
}
