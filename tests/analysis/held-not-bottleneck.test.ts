import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { defaultOrg, humanSends, read, runEngine, write } from '../helpers/temp-org.js';

/** What `lemming analyze --json` prints, as far as this test reads it. */
interface AnalysisJson {
  bottlenecks: Array<{ agent: string }>;
  heldWithMail: Array<{ agent: string; longestWait: number; held: Record<string, number> }>;
  refusals: Record<string, number>;
}

function analyze(root: string): { analysis: AnalysisJson; text: string } {
  const run = lemming(root, ['analyze', '--json']);
  expect(run.status).toBe(0);
  return { analysis: JSON.parse(run.stdout) as AnalysisJson, text: lemming(root, ['analyze']).stdout };
}

/**
 * A bottleneck is an agent whose mail waited while it was called: its own pace. An agent whose mail
 * waited only because it was never called (not drawn by activation, out of credits) is held with
 * mail, its turns said by cause, and those counts agree with the refusals table's.
 */
describe('an agent held from its turns is held with mail, not a bottleneck', () => {
  test('never drawn by activation: held by activation 2 turns, as the refusals table counts', async () => {
    const root = defaultOrg();
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace(/^engine:\n/m, 'engine:\n  activation:\n    seed: 7\n    rules:\n      - probability: 0.000001\n'));
    humanSends(root, 'manager', 'Write the release notes.');
    await runEngine(root, { maxTurns: 2, stopWhenIdle: false });

    const { analysis, text } = analyze(root);
    // Before: `- **Bottleneck** manager: mail waited up to 2 turn(s) unread (000000-human-001); mail waiting in 2 turn(s); 1 still unread`.
    expect(analysis.bottlenecks).toEqual([]);
    expect(analysis.heldWithMail).toEqual([{ agent: 'manager', longestWait: 2, message: '000000-human-001', turnsWithMailWaiting: 2, stillWaiting: 1, held: { activation: 2 } }]);
    expect(analysis.heldWithMail[0]!.held['activation']).toBe(analysis.refusals['activation']);
    expect(text).not.toContain('**Bottleneck**');
    expect(text).toContain('- **Held with mail** manager: mail waited up to 2 turn(s) unread (000000-human-001), held while it waited: not drawn by activation 2 turn(s); 1 still unread\n');
  });

  test('out of credits: held by its credits each turn its mail waited, as the refusals table counts', async () => {
    const root = defaultOrg();
    write(root, 'agents/manager/resume.md', read(root, 'agents/manager/resume.md').replace(/^credits: .*$/m, 'credits: 0'));
    humanSends(root, 'manager', 'Write the release notes.');
    await runEngine(root, { maxTurns: 3, stopWhenIdle: false });

    const { analysis, text } = analyze(root);
    expect(analysis.bottlenecks.map((item) => item.agent)).not.toContain('manager');
    const manager = analysis.heldWithMail.find((item) => item.agent === 'manager');
    expect(manager?.held).toEqual({ budget: analysis.refusals['budget'] });
    expect(manager!.longestWait).toBeGreaterThanOrEqual(2);
    expect(text).toContain(`- **Held with mail** manager: mail waited up to ${manager!.longestWait} turn(s) unread (000000-human-001), held while it waited: out of credits ${manager!.longestWait} turn(s); 1 still unread\n`);
  });
});
