import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { defaultOrg, humanSends, read, runEngine, write } from '../helpers/temp-org.js';

/** What `lemming analyze --json` prints, as far as this test reads it. */
interface AnalysisJson {
  failures: { silentMembers: Array<{ agent: string }> };
  unanswered: Array<{ id: string }>;
  refusals: Record<string, number>;
  mast: Array<{ code: string; findings: number }>;
}

/**
 * "Never answers" (MAST FM-2.4 information withholding, FM-2.5 ignored input) is an agent that was
 * shown its mail and wrote nothing. An agent whose mail waited because it was never called (here,
 * never drawn by `engine.activation`) ignored nothing: its wait is counted by its cause, in the
 * refusals table, and the request it holds is still unanswered.
 */
describe('an agent held from every turn is not a member who never answers', () => {
  test('the manager, never drawn by activation, is no silent member, and no FM-2.4 or FM-2.5 is counted', async () => {
    const root = defaultOrg();
    const orgYaml = read(root, 'org/org.yaml');
    // One rule for everyone, drawn at one in a million a turn: in two turns the manager is not drawn.
    write(root, 'org/org.yaml', orgYaml.replace(/^engine:\n/m, 'engine:\n  activation:\n    seed: 7\n    rules:\n      - probability: 0.000001\n'));
    humanSends(root, 'manager', 'Write the release notes.');
    await runEngine(root, { maxTurns: 2, stopWhenIdle: false });

    const run = lemming(root, ['analyze', '--json']);
    expect(run.status).toBe(0);
    const analysis = JSON.parse(run.stdout) as AnalysisJson;
    // The manager had the person's mail from turn 1 and was held both turns by activation.
    expect(analysis.refusals['activation']).toBe(2);
    expect(analysis.unanswered.map((request) => request.id)).toEqual(['000000-human-001']);
    expect(analysis.failures.silentMembers).toEqual([]);
    const findings = new Map(analysis.mast.map((mode) => [mode.code, mode.findings]));
    expect(findings.get('FM-2.4')).toBe(0);
    expect(findings.get('FM-2.5')).toBe(0);
    expect(lemming(root, ['analyze']).stdout).not.toContain('**Never answers**');
  });
});
