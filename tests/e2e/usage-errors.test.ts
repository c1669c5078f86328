import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { bootstrappedOrg } from '../helpers/built-org.js';
import { lemming } from '../helpers/cli.js';
import { listOutbox, read, tempDir } from '../helpers/org-files.js';

/** A copy of the default org `lemming bootstrap` wrote once for this file. */
const bootstrapped = bootstrappedOrg();

// What a new user types in their first hour, and the one clear line each mistake earns.
describe('mistakes a new user makes', () => {
  test('--record into a folder that does not exist names the folder, exits 2 and runs nothing', () => {
    const root = bootstrapped();
    lemming(root, ['send', 'manager', 'Plan the release']);
    const run = lemming(root, ['run', '--record', '/no/such/dir/x.jsonl']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'lemming: --record /no/such/dir/x.jsonl: the folder /no/such/dir does not exist; make it first (mkdir -p /no/such/dir) or give a path in a folder that exists\n',
    );
    expect(run.stderr).not.toContain('unexpected error');
    expect(listOutbox(root, 'manager')).toEqual([]);
    const intoFolder = lemming(root, ['run-once', '--record', root]);
    expect(intoFolder.status).toBe(2);
    expect(intoFolder.stderr).toContain(`--record ${root}: is a folder; give a file name`);
  });

  test('a command that reads, in a folder holding no org, says in one line how to start one', () => {
    const root = tempDir();
    for (const command of [['status'], ['inbox'], ['requests'], ['thread', '000001-manager-001']]) {
      const result = lemming(root, command);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`lemming: ${root} holds no org (org/org.yaml is missing): \`lemming bootstrap\` writes the default org there, \`lemming demo\` writes it and runs a first task, or pass --root\n`);
    }
  });

  test('`lemming init`, the word a new user tries first, makes the org as `lemming bootstrap` does', () => {
    const root = tempDir();
    const made = lemming(root, ['init']);
    expect(made.status).toBe(0);
    expect(made.stdout).toContain(`org root: ${root}. Next: \`lemming send manager "..."\`, then \`lemming run\`.`);
    expect(lemming(root, ['validate']).status).toBe(0);
    // Run again, as bootstrap: it keeps what is there.
    writeFileSync(join(root, 'agents/planner/resume.md'), read(root, 'agents/planner/resume.md').replace('credits: 0.5', 'credits: 0.7'));
    expect(lemming(root, ['init']).status).toBe(0);
    expect(read(root, 'agents/planner/resume.md')).toContain('credits: 0.7');
  });

  test('a misspelt recipient is refused with the name it probably meant and the agents there are (exit 2)', () => {
    const root = bootstrapped();
    const agents = 'agents: coder_01, hr, human, janitor, manager, planner';
    const send = lemming(root, ['send', 'mangaer', 'hi']);
    expect(send.status).toBe(2);
    expect(send.stderr).toBe(`lemming: not sent: there is no agent named mangaer; did you mean manager?; ${agents}\n`);
    expect(listOutbox(root, 'human')).toEqual([]);
    // A name nothing resembles gets no guess.
    const nothingLike = lemming(root, ['send', 'zz', 'hi']);
    expect({ status: nothingLike.status, stderr: nothingLike.stderr }).toEqual({ status: 2, stderr: `lemming: not sent: there is no agent named zz; ${agents}\n` });
    // One unknown name among several sends none of them.
    const several = lemming(root, ['send', 'manager,zz', 'hi']);
    expect(several.status).toBe(2);
    expect(listOutbox(root, 'human')).toEqual([]);
    // The chart's refusal is not a usage error: the name is right, the edge is missing.
    const forbidden = lemming(root, ['send', 'janitor', 'hi']);
    expect(forbidden.stderr).toMatch(/^lemming: not sent: (human may not send to janitor|janitor does not read from human)/);
    expect(forbidden.status).toBe(1);
  });

  test('every command that takes an agent name refuses an unknown one with exit 2, the name meant and the agents there are', () => {
    const root = bootstrapped();
    const ledgerFile = join(root, 'org/state/ledger.jsonl');
    const ledger = (): string => (existsSync(ledgerFile) ? readFileSync(ledgerFile, 'utf8') : 'no ledger');
    const before = ledger();
    const agents = 'agents: coder_01, hr, human, janitor, manager, planner';
    for (const command of [['top-up', 'planer', '1'], ['inspect', 'planer'], ['logs', 'planer'], ['memory', 'planer'], ['trace', 'planer'], ['retry', 'planer']]) {
      const result = lemming(root, command);
      expect({ command, status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
        command,
        status: 2,
        stdout: '',
        stderr: `lemming: there is no agent named "planer"; did you mean planner?; ${agents}\n`,
      });
    }
    expect(lemming(root, ['inspect', 'coder_1']).stderr).toContain('did you mean coder_01?');
    expect(ledger()).toBe(before);
  });

  test('fork --from a folder that holds no org names --from, not --root, and exits 2', () => {
    const root = tempDir();
    const target = join(tempDir(), 'fork');
    const missing = lemming(target, ['fork', '--from', join(root, 'nowhere'), '--at', '1']);
    expect({ status: missing.status, stderr: missing.stderr }).toEqual({
      status: 2,
      stderr: `lemming: --from ${join(root, 'nowhere')}: there is no such folder; --from takes the folder of an org (the one holding its org/ and agents/)\n`,
    });
    const empty = lemming(target, ['fork', '--from', root, '--at', '1']);
    expect({ status: empty.status, stderr: empty.stderr }).toEqual({
      status: 2,
      stderr: `lemming: --from ${root}: holds no org (org/org.yaml is missing); --from takes the folder of an org (the one holding its org/ and agents/)\n`,
    });
    expect(existsSync(target)).toBe(false);
  });

  test('add-agent --credits takes a budget from 0 (as a resume may say), refused past its bound in its own words', () => {
    const root = bootstrapped();
    const none = lemming(root, ['add-agent', 'scout', '--title', 'Scout', '--reports-to', 'manager', '--credits', '0']);
    expect({ status: none.status, stderr: none.stderr }).toEqual({ status: 0, stderr: '' });
    expect(read(root, 'agents/scout/resume.md')).toMatch(/^credits: 0$/m);
    expect(lemming(root, ['status']).stdout).toMatch(/^scout\s+offline\s+0\.0000 \/ 0\.0000/m);
    for (const given of ['2000000', '0.0000000001', '-1', '1e3']) {
      const refused = lemming(root, ['add-agent', 'scout_2', '--title', 'Scout', '--reports-to', 'manager', '--credits', given]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain(`option '--credits <n>' argument '${given}' is invalid. a new agent's budget is a plain number of credits from 0 to 1000000, in at most 9 decimals, for example 0.5`);
      expect(refused.stderr).not.toContain('top-up');
      expect(existsSync(join(root, 'agents', 'scout_2'))).toBe(false);
    }
  });

  test('top-up says the amount as credits are shown everywhere: a billionth is 0.000000001, never 1e-9', () => {
    const root = bootstrapped();
    const tiny = lemming(root, ['top-up', 'manager', '0.000000001']);
    expect({ status: tiny.status, stdout: tiny.stdout }).toEqual({ status: 0, stdout: 'topped up manager by 0.000000001 credits; 0.5000 left\n' });
    expect(lemming(root, ['top-up', 'hr', '2']).stdout).toBe('topped up hr by 2.0000 credits; 2.2500 left\n');
  });

  test('--reply-to an id no message has is refused (exit 2); the id of a real message is kept', () => {
    const root = bootstrapped();
    const unknown = lemming(root, ['send', 'manager', 'hi', '--reply-to', '000099-bob-001']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('not sent: --reply-to "000099-bob-001" names no message in any outbox; an id looks like 000012-manager-001');
    expect(listOutbox(root, 'human')).toEqual([]);

    lemming(root, ['send', 'manager', 'Plan the release']);
    lemming(root, ['run']);
    const reply = JSON.parse(lemming(root, ['inbox', '--all', '--json']).stdout) as { messages: Array<{ id: string }> };
    const id = reply.messages[0]?.id as string;
    const answer = lemming(root, ['send', 'manager', 'Thanks', '--reply-to', id]);
    expect(answer.status).toBe(0);
    const file = listOutbox(root, 'human').at(-1) as string;
    expect(read(root, `agents/human/outbox/${file}`)).toContain(`reply_to: ${id}`);
  });

  test('--plain and --json together are a usage error (exit 2)', () => {
    const root = bootstrapped();
    const run = lemming(root, ['run', '--plain', '--json']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("option '--json' cannot be used with option '--plain'");
    expect(run.stdout).toBe('');
  });

  test('send - cuts a body past engine.max_body_chars, says so, and the message says so too', () => {
    const root = bootstrapped();
    const send = lemming(root, ['send', 'manager', '-'], {}, 'a'.repeat(30_000));
    expect(send.status).toBe(0);
    expect(send.stderr).toBe(
      'lemming: the text was 30000 characters; messages are capped at 20000 (org.yaml engine.max_body_chars), so the last 10000 were cut and the message says so\n',
    );
    const text = read(root, 'agents/human/outbox/000000-001-manager.md');
    expect(text).toContain(`${'a'.repeat(100)}\n\n[lemming: 10000 more characters were cut; messages are capped at 20000 characters (org.yaml engine.max_body_chars)]`);
    expect(text.length).toBeLessThan(20_500);
    // A body within the cap is sent whole and quietly.
    expect(lemming(root, ['send', 'manager', '-'], {}, 'short').stderr).toBe('');
  });

  test('--root naming a folder that does not exist says so, exits 2 and makes nothing', () => {
    const above = join(tempDir(), 'no', 'such');
    const missing = join(above, 'dir');
    for (const command of [['status'], ['run'], ['send', 'manager', 'hi'], ['inbox'], ['validate']]) {
      const result = lemming(missing, command);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(`lemming: ${missing}: there is no such folder; check --root, or make an org there with \`mkdir -p ${above}\`, then \`lemming bootstrap --root ${missing}\`\n`);
    }
    expect(existsSync(above)).toBe(false);
    // bootstrap makes the folder it is asked to fill, in a folder that exists.
    mkdirSync(above, { recursive: true });
    expect(lemming(missing, ['status']).stderr).toBe(`lemming: ${missing}: there is no such folder; check --root, or make an org there with \`lemming bootstrap --root ${missing}\`\n`);
    expect(lemming(missing, ['bootstrap']).status).toBe(0);
    expect(existsSync(join(missing, 'org', 'org.yaml'))).toBe(true);
  });

  test('search with a bad --turn-from, --turn-to or --limit is a usage error naming the option and a valid value', () => {
    const root = bootstrapped();
    lemming(root, ['send', 'manager', 'Plan the release']);
    const cases: Array<[string, string, string]> = [
      ['--turn-from', 'abc', 'expected a turn number, 0 or more, for example 7'],
      ['--turn-to', '-2', 'expected a turn number, 0 or more, for example 7'],
      ['--limit', '0', 'expected a whole number from 1 to 500, for example 20'],
      ['--limit', '501', 'expected a whole number from 1 to 500, for example 20'],
    ];
    for (const [option, value, expected] of cases) {
      const result = lemming(root, ['search', 'release', option, value]);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`option '${option === '--limit' ? '-n, --limit' : option} <n>' argument '${value}' is invalid. ${expected}`);
      expect(result.stderr).not.toContain('unexpected error');
    }
    // Good values still narrow the search.
    expect(lemming(root, ['search', 'release', '--turn-from', '0', '--turn-to', '0', '--limit', '500']).stdout).toContain('000000-human-001');
  });

  test('run --port or --host without --serve is a usage error (exit 2) that runs nothing, as is worker --health-host without --health-port', () => {
    const root = bootstrapped();
    lemming(root, ['send', 'manager', 'Plan the release']);
    for (const flags of [['--port', '4790'], ['--host', '0.0.0.0'], ['--port', '0', '--host', '127.0.0.1']]) {
      const run = lemming(root, ['run', ...flags]);
      expect(run.status).toBe(2);
      expect(run.stderr).toBe('lemming: --port and --host go with --serve: they say where the dashboard listens; add --serve, or leave them out\n');
      expect(listOutbox(root, 'manager')).toEqual([]);
    }
    const worker = lemming(root, ['worker', '--queue', 'redis://127.0.0.1:1', '--health-host', '0.0.0.0']);
    expect(worker.status).toBe(2);
    expect(worker.stderr).toBe('lemming: --health-host goes with --health-port: it says where /healthz listens; add --health-port N, or leave it out\n');
  });

  test('every mistake in what the person typed exits 2, as an unknown agent does; nothing is written', () => {
    const root = bootstrapped();
    const agents = 'agents: coder_01, hr, human, janitor, manager, planner';
    const ledgerOf = (): string => (existsSync(join(root, 'org/state/ledger.jsonl')) ? read(root, 'org/state/ledger.jsonl') : '');
    const ledger = ledgerOf();
    for (const [command, line] of [
      [['send', 'manager', ''], 'lemming: not sent: the message is empty; write some text, for example `lemming send manager "Please plan the release"`'],
      [['send', 'planner', 'Hello', '--from', 'ghost'], `lemming: there is no agent named "ghost"; ${agents}`],
      [['top-up', 'human', '5'], 'lemming: the human spends no credits, so it cannot be topped up; top up an agent the engine calls, for example `lemming top-up manager 0.5`'],
      [['retry', 'human'], 'lemming: the human is never called by the engine, so there is nothing to retry; retry an agent the engine calls, for example `lemming retry manager`'],
      [['approve', 'nope'], 'lemming: "nope" is not a proposal id; ids look like 000012-hr-001 (see `lemming approvals`)'],
      [['approve', '000012-hr-001'], 'lemming: there is no proposal 000012-hr-001; waiting: none'],
      [['reject', '000012-hr-001'], 'lemming: there is no proposal 000012-hr-001; waiting: none'],
      [['thread', '000012-manager-001'], 'lemming: no message has the id "000012-manager-001"; ids look like 000012-manager-001 (`lemming search` finds them)'],
    ] as const) {
      const result = lemming(root, [...command]);
      expect({ command, status: result.status, stderr: result.stderr }).toEqual({ command, status: 2, stderr: `${line}\n` });
    }
    expect(listOutbox(root, 'human')).toEqual([]);
    expect(ledgerOf()).toBe(ledger);
  });

  test('a command missing its argument and a required option says the argument first', () => {
    const root = bootstrapped();
    const bare = lemming(root, ['add-agent']);
    expect({ status: bare.status, first: bare.stderr.split('\n')[0] }).toEqual({ status: 2, first: "error: missing required argument 'name'" });
    const named = lemming(root, ['add-agent', 'coder_02', '--title', 'Engineer']);
    expect({ status: named.status, first: named.stderr.split('\n')[0] }).toEqual({ status: 2, first: "error: required option '--reports-to <agent>' not specified" });
    const show = lemming(tempDir(), ['show']);
    expect({ status: show.status, first: show.stderr.split('\n')[0] }).toEqual({ status: 2, first: "error: missing required argument 'path'" });
    expect(existsSync(join(root, 'agents', 'coder_02'))).toBe(false);
  });

  test('validate warns of an agent that reports to itself and of a reports_to circle, naming the file, line and field', () => {
    const root = bootstrapped();
    const chart = read(root, 'org/chart.yaml');
    // planner reports to coder_01, who reports to planner; janitor to itself.
    writeFileSync(join(root, 'org/chart.yaml'), chart.replace(/(planner:\n {4}reports_to:) manager/, '$1 coder_01').replace(/(janitor:\n {4}reports_to:) manager/, '$1 janitor'));
    const lines = read(root, 'org/chart.yaml').split('\n');
    const lineOf = (agent: string): number => lines.indexOf(`  ${agent}:`) + 2;
    const validate = lemming(root, ['validate']);
    expect(validate.status).toBe(0);
    expect(validate.stdout).toBe(
      [
        `warning: org/chart.yaml:${lineOf('planner')}: agents.planner.reports_to: planner reports to coder_01, and coder_01 to planner: a circle of managers with nobody at its top; name a manager outside it, or null for the top of the org`,
        `warning: org/chart.yaml:${lineOf('janitor')}: agents.janitor.reports_to: janitor reports to itself: nobody is above it; name its manager, for example \`reports_to: manager\`, or null for the top of the org`,
        'valid: 6 agent(s), 2 warning(s)',
        '',
      ].join('\n'),
    );
  });

  test("a budget department or an outside seat keyed by no agent is said with org.yaml's line", () => {
    const root = bootstrapped();
    const orgYaml = read(root, 'org/org.yaml');
    writeFileSync(join(root, 'org/org.yaml'), `${orgYaml}budget:\n  departments:\n    planer: { credits: 5 }\noutside_seats: [reviewer]\n`);
    const line = orgYaml.split('\n').length + 2;
    const validate = lemming(root, ['validate']);
    expect(validate.status).toBe(1);
    expect(validate.stdout).toContain(
      `error: org/org.yaml:${line}: budget.departments.planer: names no agent of this org (there is no agents/planer/resume.md); a department is keyed by its lead in org/chart.yaml, for example \`departments: { coder_01: { credits: 5 } }\``,
    );
    expect(validate.stdout).toContain(`error: org/org.yaml:${line + 1}: outside_seats.0: names no agent of this org (there is no agents/reviewer/resume.md)`);
  });

  test('bootstrap, demo and import into a --root beneath a file say so, exit 2 and write nothing', () => {
    const folder = tempDir();
    const file = join(folder, 'notes.txt');
    writeFileSync(file, 'my notes\n');
    const root = join(file, 'org');
    const archive = join(folder, 'org.tar.gz');
    expect(lemming(bootstrapped(), ['export', archive]).status).toBe(0);
    for (const command of [['bootstrap'], ['demo'], ['import', archive]]) {
      const result = lemming(root, command);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(`lemming: --root ${root}: ${file} is not a folder; give a path in a folder that exists\n`);
    }
    expect(readFileSync(file, 'utf8')).toBe('my notes\n');
    expect(readdirSync(folder).sort()).toEqual(['notes.txt', 'org.tar.gz']);
  });
});

describe('--json output for programs', () => {
  test('logs --json prints one JSON object per line, nothing but JSON; inspect --json one object', () => {
    const root = bootstrapped();
    expect(lemming(root, ['logs', 'manager', '--json']).stdout).toBe('');
    lemming(root, ['send', 'manager', 'Plan the release']);
    lemming(root, ['run-once']);
    const lines = lemming(root, ['logs', 'manager', '--json']).stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('turn', 1);
    const inspect = JSON.parse(lemming(root, ['inspect', 'manager', '--json']).stdout) as { name?: string; agent?: { name: string } };
    expect(JSON.stringify(inspect)).toContain('"manager"');
  });
});
