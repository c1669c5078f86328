import { describe, expect, test } from 'vitest';
import { readHumanInbox } from '../../src/engine/human/human-inbox.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { defaultOrg, read, write } from '../helpers/temp-org.js';

/** The default org with a list `team` of the planner, hr and the human; the planner may post to it, not write to janitor. */
function orgWithHumanOnList(): string {
  const root = defaultOrg();
  write(root, 'org/lists/team.yaml', 'members: [planner, hr, human]\n');
  write(root, 'org/chart.yaml', read(root, 'org/chart.yaml').replace('send_to: [manager, coder_01]', 'send_to: [manager, coder_01, team]'));
  return root;
}

describe("the human's inbox and a message to several names", () => {
  test('a hand-dropped file to the list and to a name the chart refuses is not shown: it reaches all its names or none, as the engine delivers it', () => {
    const root = orgWithHumanOnList();
    write(root, 'agents/planner/outbox/000000-001-team+1.md', '---\nto: [team, janitor]\nsubject: Sweep\n---\nfor the team and janitor\n');
    write(root, 'agents/planner/outbox/000000-002-team.md', '---\nto: team\nsubject: Plan\n---\nfor the team\n');
    const { org } = loadOrg(root);
    expect(readHumanInbox(root, org).messages.map((message) => [message.subject, message.via])).toEqual([['Plan', 'team']]);
  });

  test('so is one to the human and to a name the chart refuses', () => {
    const root = orgWithHumanOnList();
    // manager may write to the human, not to coder_01.
    write(root, 'agents/manager/outbox/000000-001-human+1.md', '---\nto: [human, coder_01]\nsubject: Both\n---\nfor you two\n');
    write(root, 'agents/manager/outbox/000000-002-human+1.md', '---\nto: [human, planner]\nsubject: Fine\n---\nfor you two\n');
    expect(readHumanInbox(root, loadOrg(root).org).messages.map((message) => message.subject)).toEqual(['Fine']);
  });
});
