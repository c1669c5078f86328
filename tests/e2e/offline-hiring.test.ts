import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { defaultOrg, humanSends, listOutbox, REPO_ROOT, write } from '../helpers/temp-org.js';

// Each test starts from the default org as `lemming bootstrap` writes it, with the human's request
// written as `lemming send` writes it, both in this process (what the CLI's bootstrap and send
// print is tested in tests/e2e/cli.test.ts): the run, through the CLI, is what each test is about.
const bootstrapped = defaultOrg;

interface ProposalJson {
  id: string;
  proposed_by: string;
  hire?: { name: string; title: string; instructions: string };
}

function proposals(root: string): ProposalJson[] {
  return JSON.parse(lemming(root, ['approvals', '--json']).stdout) as ProposalJson[];
}


/** Every line of every message file of an agent's outbox, as one text. */
function outboxText(root: string, agent: string): string {
  return listOutbox(root, agent)
    .map((name) => readFileSync(join(root, 'agents', agent, 'outbox', name), 'utf8'))
    .join('\n');
}

// The default org on the offline model: whatever the wording, a request to hire reaches hr (who holds hire_agent).
// A role an agent template names (org/templates/) takes that template's title.
const WORDINGS: Array<[string, string, string]> = [
  ['Please hire a backend engineer to help coder_01', 'backend_engineer_01', 'Backend engineer: writes and tests code'],
  ['Recruit a technical writer for the user guide.', 'technical_writer_01', 'Technical writer: writes the documentation, guides and release notes'],
  ['Can we bring on a data analyst for the Q3 report?', 'data_analyst_01', 'Data analyst: looks into the data and says what it shows'],
  ['We need another tester before the release.', 'tester_01', 'Tester: tests the work and reports the bugs it finds'],
  ['Please staff up the support team.', 'support_01', 'Support: answers the questions of the people we serve'],
  ['Hiring: please hire another coder for the release', 'coder_02', 'Coder: writes and tests code'],
];

describe('the offline model hires on any ordinary wording', () => {
  test.each(WORDINGS)('%s → hr proposes %s, as asked for', (wording, name, title) => {
    const root = bootstrapped();
    humanSends(root, 'manager', wording);
    expect(lemming(root, ['run']).status).toBe(0);
    expect(outboxText(root, 'manager')).toMatch(/^to: hr$/m);
    expect(listOutbox(root, 'planner')).toEqual([]);
    const [proposal] = proposals(root);
    expect(proposal).toMatchObject({ proposed_by: 'hr', hire: { name, title } });
    // Its instructions carry the request whole, and the topics are the request's own words.
    expect(proposal?.hire?.instructions).toContain(`"${wording}"`);
    expect(proposal?.hire?.instructions).not.toMatch(/touched on: [^)]*\bhuman\b/);
  });

  test('work about hiring is not a hire: a hiring plan is a task for hr', () => {
    const root = bootstrapped();
    humanSends(root, 'manager', 'Please prepare a hiring plan for two backend engineers');
    expect(lemming(root, ['run']).status).toBe(0);
    expect(proposals(root)).toEqual([]);
    expect(outboxText(root, 'hr')).toContain('Done: Please prepare a hiring plan for two backend engineers.');
  });
});

describe("the offline model carries a task's words whole", () => {
  test('a subject may be cut with "…"; bodies, reports, file names and hired colleagues\' instructions never are', () => {
    const root = bootstrapped();
    const task = 'Write the release notes for the 2.0 launch and have them checked by the team before Friday so that marketing can use them';
    humanSends(root, 'manager', task);
    expect(lemming(root, ['run']).status).toBe(0);
    const handOff = readFileSync(join(root, 'agents/manager/outbox/000001-001-planner.md'), 'utf8');
    expect(handOff).toMatch(/^subject: "?Write the release notes for the 2\.0 launch and have them…"?$/m);
    expect(handOff).toContain(task);
    const report = readFileSync(join(root, 'agents/coder_01/outbox/000003-001-planner.md'), 'utf8');
    expect(report).toContain(`Done: ${task}.`);
    expect(report).not.toContain('...');
    // The report beside the tests the coder writes of it (work/tests/), where commands can run.
    const files = readdirSync(join(root, 'agents/coder_01/workspace/work')).filter((name) => name.endsWith('.md'));
    expect(files).toEqual(['write-the-release-notes-for-the-2-0-launch-and-have-them.md']);
    expect(readdirSync(join(root, 'workspace/plans'))).toEqual(files);
  });
});

describe('the offline model uses the tools it is granted when a task names them', () => {
  test('a built-in tool named by the task: list_files, and its answer in the report', () => {
    const root = bootstrapped();
    write(root, 'workspace/notes/todo.md', 'ship it\n');
    humanSends(root, 'manager', 'Please plan the login fix, build it, then list the files in shared/notes.', 'Login');
    expect(lemming(root, ['run', '--plain']).stdout).toMatch(/coder_01 step 1: list_files \{"path":"shared\/notes"\} → \d+ chars/);
    const report = readFileSync(join(root, 'agents/coder_01/outbox/000003-001-planner.md'), 'utf8');
    expect(report).toContain('I called list_files; it returned:\n\n```\nshared/notes/todo.md (8 bytes)\n```');
  });

  test("an MCP tool of the reference server, named by the task: the model calls it with the task's quoted words and reports what it returned", () => {
    const root = bootstrapped();
    const server = join(REPO_ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
    write(root, 'org/org.yaml', `${readFileSync(join(root, 'org/org.yaml'), 'utf8')}\nmcp_servers:\n  everything:\n    command: ${JSON.stringify(process.execPath)}\n    args: [${JSON.stringify(server)}, stdio]\n    timeout_ms: 20000\n`);
    const resume = join(root, 'agents/coder_01/resume.md');
    write(root, 'agents/coder_01/resume.md', readFileSync(resume, 'utf8').replace('tools: [send_message,', 'tools: [everything/echo, send_message,'));
    humanSends(root, 'manager', 'Please echo "release 2.0 is ready" back so we know the tools work.', 'Echo check');
    const run = lemming(root, ['run', '--plain']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/coder_01 step 1: everything__echo \{"message":"release 2.0 is ready"\} → \d+ chars/);
    const answer = JSON.parse(lemming(root, ['inbox', '--all', '--json']).stdout) as { messages: Array<{ body: string }> };
    expect(answer.messages.at(-1)?.body).toContain('Echo: release 2.0 is ready');
  });
});
