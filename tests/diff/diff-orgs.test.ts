import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { OrgDiff } from '../../src/diff/org-diff.js';
import { bootstrapOrg } from '../../src/org/bootstrap-org.js';
import { builtOrg, step } from '../helpers/built-org.js';
import { lemming } from '../helpers/cli.js';
import { DEFAULT_ORG, defaultOrg, humanSends, read, tempDir, write } from '../helpers/temp-org.js';

const ESC = '\u001b';
const BEL = '\u0007';
/** A subject that would clear the screen and set the window title, and a body line that would write the clipboard. */
const HOSTILE_SUBJECT = `Risks ${ESC}[2J${ESC}]0;pwned${BEL}`;
const HOSTILE_LINE = `Also ${ESC}]52;c;ZXZpbA==${BEL} and ${ESC}[31mred${ESC}[0m`;

/** Every message file of an org, as `agents/<sender>/outbox/<name>`, sorted. */
function messageFiles(root: string): string[] {
  return readdirSync(join(root, 'agents'))
    .flatMap((agent) => {
      try {
        return readdirSync(join(root, 'agents', agent, 'outbox')).map((name) => `agents/${agent}/outbox/${name}`);
      } catch {
        return [];
      }
    })
    .sort();
}

/** The id lemming gives the message in a file it named: `agents/planner/outbox/000002-001-coder_01.md` is `000002-planner-001`. */
function idOf(file: string): string {
  const [, sender, , name] = file.split('/') as [string, string, string, string];
  const [turn, seq] = name.split('-') as [string, string];
  return `${turn}-${sender}-${seq}`;
}

/** The ledger's charge lines of an org. */
function charges(root: string): Array<{ agent: string; credits: number }> {
  return read(root, 'org/state/ledger.jsonl')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { type: string; agent: string; credits: number })
    .filter((entry) => entry.type === 'charge');
}

/** The default org with one request from the human, run to idle: a copy of the one this file built once. */
const ranOrg = builtOrg((root) => {
  bootstrapOrg(root, DEFAULT_ORG);
  step(root, ['send', 'manager', '--subject', 'Release notes', 'Please get the release notes for version 2 written and checked.']);
  step(root, ['run', '--plain']);
});

function copyOf(root: string): string {
  const copy = join(tempDir(), 'copy');
  cpSync(root, copy, { recursive: true });
  return copy;
}

function diffJson(a: string, b: string, extra: string[] = []): { status: number | null; diff: OrgDiff } {
  const result = lemming(a, ['diff', a, b, '--json', ...extra]);
  expect(result.stderr).toBe('');
  return { status: result.status, diff: JSON.parse(result.stdout) as OrgDiff };
}

describe('lemming diff', () => {
  test('an org and its copy are equal: exit 0 and "no differences", in text and JSON', { timeout: 120_000 }, () => {
    const a = ranOrg();
    const b = copyOf(a);
    const text = lemming(a, ['diff', a, b]);
    expect(text.status).toBe(0);
    expect(text.stdout).toBe(`A: ${a} (org lemming-default, turn 5)\nB: ${b} (org lemming-default, turn 5)\nno differences (created: times not compared; --created compares them)\n`);
    const { status, diff } = diffJson(a, b);
    expect(status).toBe(0);
    expect(diff.equal).toBe(true);
    expect(Object.values(diff.summary).every((count) => count === 0)).toBe(true);
    expect(diff.balances.map((row) => row.agent)).toEqual(['coder_01', 'hr', 'human', 'janitor', 'manager', 'planner']);
    expect(diff.outcome).toBeNull();

    // A message whose only change is its `created:` time is the same message, unless --created is given.
    const file = 'agents/manager/outbox/000001-001-planner.md';
    write(b, file, read(b, file).replace(/^created: .*$/m, 'created: 2001-01-01T00:00:00.000Z'));
    expect(lemming(a, ['diff', a, b]).status).toBe(0);
    const created = diffJson(a, b, ['--created']);
    expect(created.status).toBe(1);
    expect(created.diff.messages.changed).toEqual([expect.objectContaining({ id: '000001-manager-001', fields: [{ field: 'created', a: expect.any(String), b: '2001-01-01T00:00:00.000Z' }], bodyDiff: [] })]);
  });

  test('a copy that went on differently: exactly its new messages, the edited one, the new agent, resume, chart, balances and ledger; hostile text neutralised', { timeout: 120_000 }, () => {
    const a = ranOrg();
    const b = copyOf(a);
    // What B does that A does not: a top-up, a hire, a resume edit, a second request (hostile), a run; then a hand edit of an old message.
    expect(lemming(b, ['top-up', 'hr', '0.25']).status).toBe(0);
    expect(lemming(b, ['add-agent', 'coder_02', '--title', 'Coder', '--reports-to', 'planner']).status).toBe(0);
    write(b, 'agents/janitor/resume.md', `${read(b, 'agents/janitor/resume.md')}Sweep on Fridays.\n`);
    expect(lemming(b, ['send', 'manager', '--subject', HOSTILE_SUBJECT, 'List the risks.']).status).toBe(0);
    expect(lemming(b, ['run', '--plain']).status).toBe(0);
    const edited = 'agents/manager/outbox/000001-001-planner.md';
    const editedBody = read(b, edited).trimEnd();
    const lastLine = editedBody.split('\n').at(-1) as string;
    write(b, edited, `${editedBody}\n${HOSTILE_LINE}\n`);

    // The difference, from the files themselves: B's message files that A lacks, and the ledger lines B added.
    const filesA = messageFiles(a);
    const newFiles = messageFiles(b).filter((file) => !filesA.includes(file));
    expect(newFiles.length).toBeGreaterThan(1);
    const addedIds = newFiles.map(idOf).sort();
    const newCharges = charges(b).slice(charges(a).length);
    const spentBy = (agent: string): number => newCharges.filter((charge) => charge.agent === agent).reduce((sum, charge) => sum + charge.credits, 0);

    const { status, diff } = diffJson(a, b);
    expect(status).toBe(1);
    expect(diff.equal).toBe(false);
    expect(diff.messages.added.map((message) => message.id)).toEqual(addedIds);
    expect(diff.messages.missing).toEqual([]);
    expect(diff.messages.changed).toEqual([
      expect.objectContaining({
        id: '000001-manager-001',
        fields: [],
        bodyDiff: [`--- A/${edited}`, `+++ B/${edited}`, expect.stringMatching(/^@@ -\d+,\d+ \+\d+,\d+ @@$/), expect.any(String), expect.any(String), ` ${lastLine}`, `+${HOSTILE_LINE}`],
      }),
    ]);
    // The human's side: the request B's human made, and the answers B's agents sent the human.
    const humanSent = addedIds.filter((id) => id.includes('-human-'));
    const humanReceived = newFiles.filter((file) => file.endsWith('-human.md')).map(idOf);
    expect(humanSent).toEqual(['000005-human-001']);
    expect(humanReceived.length).toBe(1);
    expect(diff.human.sent).toEqual({ added: [expect.objectContaining({ id: '000005-human-001', subject: HOSTILE_SUBJECT })], missing: [], changed: [] });
    expect(diff.human.received.added.map((message) => message.id)).toEqual(humanReceived);
    expect(diff.human.lastAnswer).toMatchObject({ a: { id: '000005-manager-001' }, b: { id: humanReceived[0] }, same: false });
    expect(diff.agents).toEqual({ added: ['coder_02'], removed: [] });
    expect(diff.resumes).toEqual([{ file: 'agents/janitor/resume.md', diff: expect.arrayContaining(['+Sweep on Fridays.']) }]);
    expect(diff.orgFiles.map((change) => change.file)).toEqual(['org/chart.yaml']);
    expect(diff.orgFiles[0]?.diff).toEqual(expect.arrayContaining(['-    send_to: [manager, coder_01]', '+    send_to: [manager, coder_01, coder_02]', '+  coder_02:']));
    // Money: hr was given 0.25 and spent nothing more; each agent that worked in B spent what B's new ledger lines say.
    const row = (agent: string) => diff.balances.find((each) => each.agent === agent);
    expect(row('hr')).toMatchObject({ balanceDifference: 0.25, spentDifference: 0 });
    expect(row('coder_02')).toMatchObject({ a: null, b: { budget: 0.5, spent: 0, balance: 0.5 }, balanceDifference: null });
    for (const agent of ['manager', 'planner', 'coder_01']) {
      expect(row(agent)?.spentDifference).toBeCloseTo(spentBy(agent), 9);
      expect(row(agent)?.balanceDifference).toBeCloseTo(-spentBy(agent), 9);
    }
    expect(diff.ledger.difference.calls).toBe(newCharges.length);
    expect(diff.ledger.difference.spent).toBeCloseTo(newCharges.reduce((sum, charge) => sum + charge.credits, 0), 9);
    expect(diff.ledger.difference.toppedUp).toBe(0.25);
    expect(diff.proposals).toEqual([]);
    expect(diff.a.turn).toBe(5);
    expect(diff.b.turn).toBe(10);
    expect(diff.summary).toEqual({
      messagesAdded: addedIds.length,
      messagesMissing: 0,
      messagesChanged: 1,
      humanMessagesDiffering: 2,
      agentsAdded: 1,
      agentsRemoved: 0,
      resumesChanged: 1,
      orgFilesChanged: 1,
      balancesDiffering: 5,
      proposalsDecidedDifferently: 0,
      outcomeMeasuresDiffering: 0,
    });

    // The same, for people: the summary first, then the sections; what agents wrote shows its escapes, never acts.
    const text = lemming(a, ['diff', a, b]);
    expect(text.status).toBe(1);
    expect(text.stderr).toBe('');
    const lines = text.stdout.split('\n');
    expect(lines[2]).toMatch(
      new RegExp(`^summary: messages: ${addedIds.length} added, 1 changed; the human's mail: 2 differ; 1 agent added; 1 resume changed; 1 org file changed; 5 balances differ; credits spent [\\d.]+ -> [\\d.]+; turn 5 -> 10$`),
    );
    expect(text.stdout).not.toContain(ESC);
    expect(text.stdout).not.toContain(BEL);
    expect(text.stdout).toContain(`  + [turn 5] 000005-human-001 human -> manager: Risks \\u001b[2J\\u001b]0;pwned\\u0007\n`);
    expect(text.stdout).toContain(`    +Also \\u001b]52;c;ZXZpbA==\\u0007 and \\u001b[31mred\\u001b[0m\n`);
    expect(text.stdout).toContain('  ~ [turn 1] 000001-manager-001 manager -> planner: ');
    expect(text.stdout).toContain('agents added (in B, not in A): coder_02\n');
    expect(text.stdout).toContain('  hr: 0.2500 (spent 0.0000), 0.5000 (spent 0.0000), +0.2500\n');
    expect(text.stdout).toContain('  coder_02: no such agent, 0.5000 (spent 0.0000), n/a\n');
    expect(text.stdout).toContain('  topped up or moved: 0.0000 -> 0.2500\n');
    expect(text.stdout).toContain(`  last answer to the human: A 000005-manager-001 from manager in turn 5; B ${humanReceived[0]} from manager in turn 10\n`);
    expect(text.stdout.indexOf('summary:')).toBeLessThan(text.stdout.indexOf('messages added'));
  });

  test('what if the hire had been rejected: the proposal decided differently, the hire missing, the money that stayed with hr', { timeout: 120_000 }, () => {
    const a = defaultOrg();
    humanSends(a, 'manager', 'Hiring: please hire another coder for the release');
    expect(lemming(a, ['run', '--plain']).status).toBe(0);
    const [proposal] = JSON.parse(lemming(a, ['approvals', '--json']).stdout) as Array<{ id: string; hire: { name: string; credits: number } }>;
    expect(proposal?.hire.name).toBe('coder_02');
    const id = proposal?.id ?? '-';
    const b = copyOf(a);
    expect(lemming(a, ['approve', id]).status).toBe(0);
    expect(lemming(b, ['reject', id, '--reason', 'not this quarter']).status).toBe(0);
    expect(lemming(a, ['run', '--plain']).status).toBe(0);
    expect(lemming(b, ['run', '--plain']).status).toBe(0);

    const { status, diff } = diffJson(a, b);
    expect(status).toBe(1);
    expect(diff.proposals).toEqual([{ id, description: expect.stringMatching(/^hire coder_02 /), a: { status: 'done' }, b: { status: 'rejected', reason: 'not this quarter' } }]);
    expect(diff.agents).toEqual({ added: [], removed: ['coder_02'] });
    // The hire's budget is a transfer from hr (its resume says 0): in B it never left hr.
    const row = (agent: string) => diff.balances.find((each) => each.agent === agent);
    expect(row('coder_02')).toMatchObject({ a: { budget: 0, toppedUp: 0.05, spent: 0, balance: 0.05 }, b: null, balanceDifference: null });
    // hr gave 0.05 in A only; what it spent differs a little too (its notice of the decision is worded differently).
    expect(row('hr')).toMatchObject({ a: { toppedUp: -0.05 }, b: { toppedUp: 0 } });
    expect(row('hr')?.balanceDifference).toBeCloseTo(0.05 - (row('hr')?.spentDifference ?? 0), 9);
    expect(diff.summary.proposalsDecidedDifferently).toBe(1);
    const text = lemming(a, ['diff', a, b]);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain(`proposals decided differently (1):\n  ${id}: hire coder_02 `);
    expect(text.stdout).toContain(': A done, B rejected (not this quarter)\n');
    expect(text.stdout).toContain('agents removed (in A, not in B): coder_02\n');
  });

  test('errors exit 2 and name the folder and what was expected', () => {
    const a = defaultOrg();
    const empty = tempDir();
    const missing = join(empty, 'nowhere');
    const notOrg = lemming(a, ['diff', a, empty]);
    expect(notOrg.status).toBe(2);
    expect(notOrg.stderr).toBe(`lemming: not an org: no org/org.yaml in ${empty}\n`);
    writeFileSync(join(empty, 'placeholder'), '');
    write(empty, 'org/org.yaml', 'name: half\n');
    expect(lemming(a, ['diff', a, empty]).stderr).toBe(`lemming: not an org: no org/chart.yaml in ${empty}\n`);
    const gone = lemming(a, ['diff', missing, a]);
    expect(gone.status).toBe(2);
    expect(gone.stderr).toContain(`lemming: ${missing}: there is no such folder`);
    const one = lemming(a, ['diff', a]);
    expect(one.status).toBe(2);
    expect(one.stderr).toContain('lemming diff takes two org folders');
    const badRange = lemming(a, ['diff', '--turns', '7']);
    expect(badRange.status).toBe(2);
    expect(badRange.stderr).toContain('--turns takes two turns joined by "..", like --turns 3..7');
    const noHistory = lemming(a, ['diff', '--turns', '3..7']);
    expect(noHistory.status).toBe(2);
    expect(noHistory.stderr).toContain('/org/state/history.git: this org has no history yet; with `history: { keep: true }` in org/org.yaml (new orgs have it)');
  });
});
