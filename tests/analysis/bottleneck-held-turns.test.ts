import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { HandBuiltOrg } from '../helpers/hand-built-org.js';

/** What `lemming analyze --json` prints, as far as this test reads it. */
interface AnalysisJson {
  bottlenecks: unknown[];
  heldWithMail: unknown[];
}

/** What hr's log says of a turn: called and shown nothing of the manager's mail (its context was full), or out of credits from then on. */
type Logged = 'called' | 'out of credits';

/**
 * Planted orgs whose answer is known: the manager writes to hr in turn 1, and hr's log says, turn by
 * turn, whether it was called (and not shown that mail), held (out of credits), or nothing at all; hr
 * reads the mail in `readIn`. A turn hr was called in is its own wait; one it was held in is the
 * hold's; one it was not called in with no record of why (an org from before lemming kept its holds,
 * a log made by hand) is neither: the engine calls every agent with mail it does not hold.
 */
function plantedWait(log: Record<number, Logged>, readIn: number): { analysis: AnalysisJson; findings: string } {
  const org = new HandBuiltOrg();
  const ask = org.send(1, 'manager', 'hr', 'Find us a designer for the login page.');
  for (const [turn, logged] of Object.entries(log)) {
    if (logged === 'called') org.called(Number(turn), 'hr', []);
    else org.outOfCredits(Number(turn), 'hr');
  }
  org.called(readIn, 'hr', [ask]);
  org.finished(readIn);
  const json = lemming(org.root, ['analyze', '--json']);
  expect(json.stderr).toBe('');
  expect(json.status).toBe(0);
  const text = lemming(org.root, ['analyze']).stdout;
  return { analysis: JSON.parse(json.stdout) as AnalysisJson, findings: text.slice(text.indexOf('## Findings'), text.indexOf('## Load per agent')) };
}

const ASK = '000001-manager-001';

describe('the turns a bottleneck or an agent held with mail waited in, by why', () => {
  test('slow in 2 turns, then held by its credits in 3: a bottleneck, "of them held: out of credits 3 turn(s)"', () => {
    const { analysis, findings } = plantedWait({ 2: 'called', 3: 'called', 4: 'out of credits' }, 7);
    expect(analysis.bottlenecks).toEqual([{ agent: 'hr', longestWait: 5, message: ASK, turnsWithMailWaiting: 5, stillWaiting: 0, held: { budget: 3 } }]);
    expect(analysis.heldWithMail).toEqual([]);
    expect(findings).toContain(`- **Bottleneck** hr: mail waited up to 5 turn(s) unread (${ASK}); mail waiting in 5 turn(s), of them held: out of credits 3 turn(s); 0 still unread\n`);
  });

  test('not called in 2 turns with no record of why: held with mail, its cause unrecorded, not a bottleneck', () => {
    const { analysis, findings } = plantedWait({}, 4);
    // Before: `- **Bottleneck** hr: mail waited up to 2 turn(s) unread (000001-manager-001); mail waiting in 2 turn(s); 0 still unread`, as if slow.
    expect(analysis.bottlenecks).toEqual([]);
    expect(analysis.heldWithMail).toEqual([{ agent: 'hr', longestWait: 2, message: ASK, turnsWithMailWaiting: 2, stillWaiting: 0, held: {}, unrecorded: 2 }]);
    expect(findings).toContain(`- **Held with mail** hr: mail waited up to 2 turn(s) unread (${ASK}), held while it waited: not called, no record says why 2 turn(s); 0 still unread\n`);
  });

  test('not called in 1 turn with no record, slow in 2, held by its credits in 2: each counted apart', () => {
    const { analysis, findings } = plantedWait({ 3: 'called', 4: 'called', 5: 'out of credits' }, 7);
    expect(analysis.bottlenecks).toEqual([{ agent: 'hr', longestWait: 5, message: ASK, turnsWithMailWaiting: 5, stillWaiting: 0, held: { budget: 2 }, unrecorded: 1 }]);
    expect(findings).toContain(`- **Bottleneck** hr: mail waited up to 5 turn(s) unread (${ASK}); mail waiting in 5 turn(s), of them held: out of credits 2 turn(s), not called, no record says why 1 turn(s); 0 still unread\n`);
  });
});
