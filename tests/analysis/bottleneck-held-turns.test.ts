import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { HandBuiltOrg } from '../helpers/hand-built-org.js';

/** What `lemming analyze --json` prints, as far as this test reads it. */
interface AnalysisJson {
  bottlenecks: Array<{ agent: string }>;
  heldWithMail: Array<{ agent: string }>;
}

function analyze(root: string): { analysis: AnalysisJson; findings: string } {
  const json = lemming(root, ['analyze', '--json']);
  expect(json.stderr).toBe('');
  expect(json.status).toBe(0);
  const text = lemming(root, ['analyze']).stdout;
  return { analysis: JSON.parse(json.stdout) as AnalysisJson, findings: text.slice(text.indexOf('## Findings'), text.indexOf('## Load per agent')) };
}

/**
 * Planted orgs whose answer is known: the manager writes to hr in turn 1, and hr's log says, turn by
 * turn, whether it was called (and not shown that mail), held (out of credits), or nothing at all.
 * A turn hr was called in is its own wait; one it was held in is the hold's; one it was not called in
 * with no record of why (an org from before lemming kept its holds, a log made by hand) is neither.
 */
describe('the turns a bottleneck or an agent held with mail waited in, by why', () => {
  test('slow in 2 turns, then held by its credits in 3: a bottleneck, "of them held: out of credits 3 turn(s)"', () => {
    const org = new HandBuiltOrg();
    const ask = org.send(1, 'manager', 'hr', 'Find us a designer for the login page.');
    // Called in turns 2 and 3, shown nothing of it (its context was full): its own pace.
    org.called(2, 'hr', []);
    org.called(3, 'hr', []);
    // Out of credits from turn 4; topped up, it reads the message in turn 7.
    org.outOfCredits(4, 'hr');
    org.called(7, 'hr', [ask]);
    org.finished(7);

    const { analysis, findings } = analyze(org.root);
    expect(analysis.bottlenecks).toEqual([{ agent: 'hr', longestWait: 5, message: ask, turnsWithMailWaiting: 5, stillWaiting: 0, held: { budget: 3 } }]);
    expect(analysis.heldWithMail).toEqual([]);
    expect(findings).toContain(`- **Bottleneck** hr: mail waited up to 5 turn(s) unread (${ask}); mail waiting in 5 turn(s), of them held: out of credits 3 turn(s); 0 still unread\n`);
  });

  test('not called in 2 turns with no record of why: held with mail, its cause unrecorded, not a bottleneck', () => {
    const org = new HandBuiltOrg();
    const ask = org.send(1, 'manager', 'hr', 'Find us a designer for the login page.');
    // Turns 2 and 3: no line in hr's log. The engine calls every agent with mail it does not hold.
    org.called(4, 'hr', [ask]);
    org.finished(4);

    const { analysis, findings } = analyze(org.root);
    // Before: `- **Bottleneck** hr: mail waited up to 2 turn(s) unread (000001-manager-001); mail waiting in 2 turn(s); 0 still unread`, as if slow.
    expect(analysis.bottlenecks).toEqual([]);
    expect(analysis.heldWithMail).toEqual([{ agent: 'hr', longestWait: 2, message: ask, turnsWithMailWaiting: 2, stillWaiting: 0, held: {}, unrecorded: 2 }]);
    expect(findings).toContain(`- **Held with mail** hr: mail waited up to 2 turn(s) unread (${ask}), held while it waited: not called, no record says why 2 turn(s); 0 still unread\n`);
  });

  test('slow in 2 turns, not called in 1 with no record, held by its credits in 2: each counted apart', () => {
    const org = new HandBuiltOrg();
    const ask = org.send(1, 'manager', 'hr', 'Find us a designer for the login page.');
    // Turn 2: no line. Turns 3 and 4: called, shown nothing of it. Turns 5 and 6: out of credits. Turn 7: read.
    org.called(3, 'hr', []);
    org.called(4, 'hr', []);
    org.outOfCredits(5, 'hr');
    org.called(7, 'hr', [ask]);
    org.finished(7);

    const { analysis, findings } = analyze(org.root);
    expect(analysis.bottlenecks).toEqual([{ agent: 'hr', longestWait: 5, message: ask, turnsWithMailWaiting: 5, stillWaiting: 0, held: { budget: 2 }, unrecorded: 1 }]);
    expect(findings).toContain(`- **Bottleneck** hr: mail waited up to 5 turn(s) unread (${ask}); mail waiting in 5 turn(s), of them held: out of credits 2 turn(s), not called, no record says why 1 turn(s); 0 still unread\n`);
  });
});
