import { expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { resume, tempDir, write } from '../helpers/org-files.js';
import { writeScriptedSeatOrg } from '../helpers/scripted-seat.js';

/*
 * An escalation storm over the three turns org.yaml gives it, with or without a quiet turn inside:
 * the live breaker holds its senders, and `lemming analyze` finds the same storm, by the one rule
 * (engine/breakers/loop-rules.ts) at the same window. Two agent programs
 * (tests/fixtures/agents/scripted-agent.mjs) escalate to their manager, who answers in text.
 */

function stormOrg(): string {
  const root = tempDir('lemming-storm-quiet-');
  const escalate = { json: { tool_calls: [{ name: 'send_message', arguments: { to: 'lead', priority: 'high', body: 'The build is broken, I am blocked.' } }] } };
  const noted = { json: { text: 'Noted.' } };
  writeScriptedSeatOrg(root, 'storm', ['breakers: { escalation_storm: { messages: 3, turns: 3, on: pause } }'], { w1: [escalate, escalate], w2: [escalate], lead: [noted, noted, noted, noted] });
  write(
    root,
    'org/chart.yaml',
    [
      'agents:',
      '  human: { reports_to: null, send_to: [lead, w1, w2], read_from: ["*"] }',
      '  lead: { reports_to: human, send_to: [human, w1, w2], read_from: ["*"] }',
      '  w1: { reports_to: lead, send_to: [lead], read_from: ["*"] }',
      '  w2: { reports_to: lead, send_to: [lead], read_from: ["*"] }',
      '',
    ].join('\n'),
  );
  write(root, 'agents/human/resume.md', resume({ title: 'The person', model: 'human' }, 'You.'));
  for (const agent of ['lead', 'w1', 'w2']) write(root, `agents/${agent}/resume.md`, resume({ title: 'Colleague', model: 'seat', credits: '10', tools: '[send_message]' }, 'Work.'));
  return root;
}

function runOnce(root: string): string {
  const run = lemming(root, ['run-once']);
  expect(run.status, run.stdout + run.stderr).toBe(0);
  return run.stdout;
}

/** The storms `lemming analyze --json` reports. */
function analysedStorms(root: string): Array<{ to: string; messages: number; fromTurn: number; toTurn: number; from: string[] }> {
  const analysis = lemming(root, ['analyze', '--json']);
  expect(analysis.status, analysis.stderr).toBe(0);
  return (JSON.parse(analysis.stdout) as { failures: { escalationStorms: Array<{ to: string; messages: number; fromTurn: number; toTurn: number; from: string[] }> } }).failures.escalationStorms;
}

/** What the breaker's hold says, on the turn's line and in `status`. */
function expectHeld(root: string, fourth: string): void {
  expect(fourth).toContain('[turn 4] loop held: 3 escalations (high or urgent) reached lead within 3 turn(s), from w1, w2');
  const status = lemming(root, ['status']).stdout;
  expect(status).toContain('w1 is held by a circuit breaker since turn 4 (escalation storm)');
  expect(status).toContain('w2 is held by a circuit breaker since turn 4 (escalation storm)');
}

test('three escalations within three turns, the middle turn quiet, hold their senders, and `lemming analyze` finds the storm', () => {
  const root = stormOrg();
  expect(lemming(root, ['send', 'w1,w2', 'Get the release out.']).status).toBe(0);
  runOnce(root); // Turn 1: w1 and w2 escalate to lead.
  runOnce(root); // Turn 2: lead answers in text; no agent writes mail.
  expect(lemming(root, ['send', 'w1', 'Still waiting on it?']).status).toBe(0);
  runOnce(root); // Turn 3: w1 escalates again: the third within turns 1-3.
  // Before: the quiet turn 2 let go of the two escalations the breaker kept, so turn 3's was counted alone and nobody was held.
  expectHeld(root, runOnce(root));
  expect(analysedStorms(root)).toEqual([{ to: 'lead', messages: 3, fromTurn: 1, toTurn: 3, from: ['w1', 'w2'] }]);
}, 120_000);

test('`lemming analyze` finds a storm at the window org.yaml gives the breaker, not only at its own default of two turns', () => {
  const root = stormOrg();
  expect(lemming(root, ['send', 'w1', 'Get the release out.']).status).toBe(0);
  runOnce(root); // Turn 1: w1 escalates.
  expect(lemming(root, ['send', 'w2', 'Get the release out.']).status).toBe(0);
  runOnce(root); // Turn 2: w2 escalates.
  expect(lemming(root, ['send', 'w1', 'Still waiting on it?']).status).toBe(0);
  runOnce(root); // Turn 3: w1 escalates: three in turns 1-3, never three in two turns.
  expectHeld(root, runOnce(root));
  // Before: [], though the breaker's notice points to `lemming analyze` for the loops it holds.
  expect(analysedStorms(root)).toEqual([{ to: 'lead', messages: 3, fromTurn: 1, toTurn: 3, from: ['w1', 'w2'] }]);
}, 120_000);
