import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { listOutbox, resume, tempDir, write } from '../helpers/org-files.js';

/*
 * Names that clash: one the engine gives a meaning of its own, written where a user may write any
 * name, and one that looks like a name of the org and is not. Each is refused where it enters,
 * naming the file, the field and what a valid one looks like, never taken silently for another.
 */

/** org.yaml registering an offline model under `key`. */
function orgYaml(key: string): string {
  return ['name: reserved', 'models:', `  ${key}: { provider: offline, model: tiny, input_price: 1, output_price: 2, context_window: 32000 }`, ''].join('\n');
}

/** An org whose registry names its model `key`, and whose agent `writer` asks for it. */
function orgWithModelKey(key: string): string {
  const root = tempDir('lemming-reserved-names-');
  write(root, 'org/org.yaml', orgYaml(key));
  write(root, 'org/chart.yaml', ['agents:', '  human: { reports_to: null, send_to: [writer], read_from: ["*"] }', '  writer: { reports_to: human, send_to: [human], read_from: ["*"] }', ''].join('\n'));
  write(root, 'agents/human/resume.md', resume({ title: 'The person', model: 'human' }, 'You.'));
  write(root, 'agents/writer/resume.md', resume({ title: 'Writer', model: key, credits: '10', tools: '[send_message]' }, 'Answer the human.'));
  return root;
}

describe('a model key the engine reads as the person', () => {
  test('`human` in org.yaml models is refused naming the file, the field and a valid key; the agent that asks for it is never made a person without a word', () => {
    const root = orgWithModelKey('human');
    const validate = lemming(root, ['validate']);
    // Before: "valid: 2 agent(s)", and writer, asking for the offline model registered as `human`,
    // was taken for a person: never called, its mail left unread, nothing said.
    expect(validate.status).not.toBe(0);
    expect(validate.stdout + validate.stderr).toMatch(/org\/org\.yaml:3: models\.human: is the model of a person \(`model: human` in a resume\), not a registry entry; a model key is .*\(for example "gpt-4o-mini"\)/);

    // The commands that act say it too, and nothing is written as if it had gone.
    for (const args of [['send', 'writer', 'Write me a line.'], ['run-once']]) {
      const acted = lemming(root, args);
      expect(acted.status, args[0]).not.toBe(0);
      expect(acted.stderr).toContain('org/org.yaml:3: models.human: is the model of a person');
    }
    expect(listOutbox(root, 'human')).toEqual([]);
    expect(listOutbox(root, 'writer')).toEqual([]);
  }, 60_000);

  test('the same org with the key named otherwise is valid, and writer is called on it', () => {
    const root = orgWithModelKey('small');
    expect(lemming(root, ['validate']).status).toBe(0);
    expect(lemming(root, ['send', 'writer', 'Write me a line.']).status).toBe(0);
    const run = lemming(root, ['run-once']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\b1 called/);
  }, 60_000);
});

describe('a recipient that looks like a name of the org', () => {
  test('an invisible or look-alike character is shown escaped in the refusal the run prints and the sender is told, so the name is not shown as one the org has', () => {
    const root = orgWithModelKey('small');
    // Hand-dropped into writer's outbox: `human` with a zero-width joiner after it, and with a Cyrillic a (U+0430) for its `a`.
    write(root, 'agents/writer/outbox/joiner.md', '---\nto: "human\\u200d"\nsubject: joiner\n---\nDone.\n');
    write(root, 'agents/writer/outbox/cyrillic.md', '---\nto: "hum\\u0430n"\nsubject: cyrillic\n---\nDone.\n');
    const run = lemming(root, ['run-once']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    // Before: the names were printed as they are, the joiner unseen and the Cyrillic letter like the
    // Latin one: `"human" is not an agent name` as far as anyone could read, the person's own name refused.
    expect(run.stdout).toContain('"human\\u200d" is not an agent name');
    expect(run.stdout).toContain('"hum\\u0430n" is not an agent name');
    // The run's own line names the recipient the same way. Before: `refused writer -> human‍ ("joiner")`, the joiner unseen.
    expect(run.stdout).toContain('refused writer -> "human\\u200d" ("joiner"):');
    expect(run.stdout).toContain('refused writer -> "hum\\u0430n" ("cyrillic"):');
    expect(run.stdout).not.toMatch(/[\u200d\u0430]/);
    const log = readFileSync(join(root, 'agents/writer/logs/activity.jsonl'), 'utf8');
    expect(log).toContain(JSON.stringify('"human\\u200d" is not an agent name').slice(1, -1));
    expect(listOutbox(root, 'human')).toEqual([]);
  }, 60_000);
});

describe('a list whose name an agent takes', () => {
  test('a post waiting for a member is read by it as posted, and the run says the agent took the list name, not that someone edited the file', () => {
    const root = orgWithModelKey('small');
    write(root, 'org/chart.yaml', ['agents:', '  human: { reports_to: null, send_to: [writer, team], read_from: ["*"] }', '  writer: { reports_to: human, send_to: [human], read_from: ["*"] }', ''].join('\n'));
    write(root, 'org/lists/team.yaml', 'members: [writer]\nmay_post: "*"\n');
    // writer has no credits, so the post waits for it.
    write(root, 'agents/writer/resume.md', resume({ title: 'Writer', model: 'small', credits: '0', tools: '[send_message]' }, 'Answer the human.'));
    expect(lemming(root, ['send', 'team', 'Plan the week.']).status).toBe(0);
    expect(lemming(root, ['run-once']).status).toBe(0);
    // By hand: an agent named team, and credits for writer.
    write(root, 'org/chart.yaml', ['agents:', '  human: { reports_to: null, send_to: [writer, team], read_from: ["*"] }', '  writer: { reports_to: human, send_to: [human], read_from: ["*"] }', '  team: { reports_to: human, send_to: [human], read_from: ["*"] }', ''].join('\n'));
    write(root, 'agents/team/resume.md', resume({ title: 'Team lead', model: 'small', credits: '10', tools: '[send_message]' }, 'Lead.'));
    write(root, 'agents/writer/resume.md', resume({ title: 'Writer', model: 'small', credits: '10', tools: '[send_message]' }, 'Answer the human.'));
    const run = lemming(root, ['run-once']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    // Before: "to: and cc: name team now, not writer ... (an edit of to: or cc: after a message is sent ...)", for a file nobody edited.
    expect(run.stdout).toContain(
      'warning: agents/human/outbox/000000-001-team.md: was posted in turn 0 to the list team, whose name the agent team has now (lists and agents share one set of names, and the agent\'s wins: new mail to team goes to the agent); it is read by writer as posted. Rename org/lists/team.yaml or the agent',
    );
    expect(run.stdout).not.toContain('an edit of to: or cc:');
    expect(run.stdout).toContain('[turn 2] writer thinking (small, 1 message(s))');
  }, 60_000);
});
