import { EXIT, LemmingError } from '../errors.js';
import { isValidAgentName } from '../org/names.js';
import { listFile } from '../org/lists/mailing-list.js';
import type { NetworkOrg } from './network-org.js';

/** How lists are made for an imported network: none, or one a department. */
export type NetworkLists = 'none' | 'departments';

/** The list of a department: `dept_<label>`. */
export function departmentListName(department: string): string {
  return `dept_${department}`;
}

/**
 * Give an imported network's org one mailing list a department (`--lists departments`): a file
 * `org/lists/dept_<label>.yaml` whose members are the department's people, the lead included, who
 * all may post; each of them gets an edge to it (`send_to`); and the lead's instructions say to post
 * split work there (the offline model then posts once rather than writing to each member, and each
 * member answers all of the list: copies.ts). A department of one gets no list. Changes `made` in
 * place; returns the files to write, by path. A department label that cannot be part of a name is
 * refused, exit 2.
 */
export function addDepartmentLists(made: NetworkOrg): Map<string, string> {
  const byDepartment = new Map<string, string[]>();
  for (const position of made.arrangement.positions) {
    const department = String(position.person.department);
    const list = byDepartment.get(department) ?? [];
    list.push(position.name);
    byDepartment.set(department, list);
  }
  const files = new Map<string, string>();
  for (const [department, people] of byDepartment) {
    const name = departmentListName(department);
    if (!isValidAgentName(name)) {
      throw new LemmingError('bad-label', `department ${JSON.stringify(department)} cannot name a list (${name}); --lists departments needs labels of lower-case letters, digits, "_" or "-", like 7 or sales`, { exitCode: EXIT.usage });
    }
    if (people.length < 2) continue;
    files.set(listFile(name), [`description: Department ${department}, every member (written by lemming import-network --lists departments)`, `members: [${people.join(', ')}]`, 'may_post: members', 'archive: members', ''].join('\n'));
  }
  for (const position of made.arrangement.positions) {
    const name = departmentListName(String(position.person.department));
    if (!files.has(listFile(name))) continue;
    // The list is a name of send_to only: reading its posts is the list's rule, not read_from's.
    position.readFrom ??= [...position.contacts];
    position.contacts.push(name);
  }
  const lead = made.spec.roles.lead;
  if (lead) {
    lead.instructions =
      'You lead department {department}. When you are given a task, split it between the members of your department: post it to the list dept_{department}, and report back to whoever asked once they have reported.';
  }
  return files;
}
