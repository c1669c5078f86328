import { describe, expect, test } from 'vitest';
import { bootstrapOrg } from '../../src/org/bootstrap-org.js';
import { scratchDir } from '../faults/scratch.js';
import { lemming } from '../helpers/cli.js';
import { DEFAULT_ORG, write } from '../helpers/org-files.js';

/**
 * What a run says of a broken meeting or routing file: the file and line once, the problem, and what
 * the run does meanwhile, on one line. Before, each such line said the file twice
 * (`warning: org/meetings/broken.yaml: org/meetings/broken.yaml:1: …`) and a meeting's ended with
 * its example and "; the meeting is not held until it is fixed" glued to the example's last line.
 */
describe('a run with a broken meeting file and a broken org/routing.yaml', () => {
  test('each warning line names its file once, with the line, the field and what the run does until it is fixed', () => {
    const root = scratchDir('lemming-meeting-warning-');
    bootstrapOrg(root, DEFAULT_ORG);
    write(root, 'org/meetings/broken.yaml', 'attendees: [manager, planner\n');
    write(root, 'org/meetings/sync.yaml', 'attendees: [manager, coder_01]\nagenda: Plan\nturn: 3\n');
    write(root, 'org/routing.yaml', 'escalate:\n  after_turns: soon\n');
    expect(lemming(root, ['send', 'manager', 'Plan the release']).status).toBe(0);
    const ran = lemming(root, ['run', '--turns', '1']);
    expect(ran.status, ran.stderr).toBe(0);
    const warnings = ran.stdout.split('\n').filter((line) => line.includes('warning:'));
    expect(warnings).toEqual([
      expect.stringMatching(/^\[turn 1\] warning: org\/routing\.yaml:2: escalate\.after_turns: must be a whole number of turns from 1 to 10000.*; no routing rule applies until it is fixed$/),
      '[turn 1] warning: org/meetings/broken.yaml:1: is not valid YAML: the [ opened on this line is never closed with ]; the meeting is not held until it is fixed',
      expect.stringMatching(
        /^\[turn 1\] warning: org\/meetings\/sync\.yaml:1: attendees\.1: cannot gather coder_01: .*manager may not send to coder_01 \(chart\.yaml: agents\.manager\.send_to\); the meeting is not held until it is fixed$/,
      ),
    ]);
    for (const file of ['org/routing.yaml', 'org/meetings/broken.yaml', 'org/meetings/sync.yaml']) expect(ran.stdout.split(file).length - 1, file).toBe(1);
  });
});
