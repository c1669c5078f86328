import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { builtOrg, bootstrappedOrg, step } from '../helpers/built-org.js';
import { CLI, lemming } from '../helpers/cli.js';
import { listOutbox, read, resume, tempDir, write } from '../helpers/org-files.js';

/** The default org as `lemming bootstrap` writes it (the first test runs bootstrap itself). */
const bootstrapped = bootstrappedOrg();
/** The default org after the human asked the manager to plan, run to idle. */
const planned = builtOrg((root) => {
  step(root, ['bootstrap']);
  step(root, ['send', 'manager', 'Plan it', '--subject', 'Plan']);
  step(root, ['run']);
});

describe('the lemming binary', () => {
  test('bootstrap, send, run, inbox and status work together', () => {
    const root = tempDir();
    const boot = lemming(root, ['bootstrap']);
    expect(boot.status).toBe(0);
    expect(boot.stdout).toContain('wrote agents/manager/resume.md');
    expect(existsSync(join(root, 'agents/coder_01/outbox'))).toBe(true);

    const send = lemming(root, ['send', 'manager', 'Write', 'the', 'release', 'notes', '--subject', 'Release notes', '--priority', 'high']);
    expect(send.status).toBe(0);
    expect(send.stdout).toContain('agents/human/outbox/000000-001-manager.md');
    expect(read(root, 'agents/human/outbox/000000-001-manager.md')).toMatch(/subject: Release notes\npriority: high\n---\nWrite the release notes\n/);

    const run = lemming(root, ['run']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('[turn 1] human -> manager: Release notes');
    expect(run.stdout).toContain('[turn 5] manager -> human: Re: Release notes');
    expect(run.stdout).toMatch(/5 turn\(s\) run, now at turn 5; the org is idle/);

    // The person's own unread mail is counted, on the screen and in JSON, until they read it.
    expect(lemming(root, ['status']).stdout).toMatch(/\nhuman\s+human\s+-\s+1\s/);
    const before = JSON.parse(lemming(root, ['status', '--json']).stdout) as { agents: Array<{ name: string; unread: number }> };
    expect(before.agents.find((agent) => agent.name === 'human')?.unread).toBe(1);
    const inbox = lemming(root, ['inbox']);
    expect(inbox.stdout).toMatch(/\* \[turn 5\] 000005-manager-001 from manager \(reply to 000000-human-001\): Re: Release notes/);
    expect(lemming(root, ['inbox']).stdout).toContain('no unread mail');
    const all = JSON.parse(lemming(root, ['inbox', '--all', '--json']).stdout) as { messages: Array<{ unread: boolean }> };
    expect(all.messages).toHaveLength(1);
    expect(all.messages[0]?.unread).toBe(false);

    const status = lemming(root, ['status']);
    expect(status.status).toBe(0);
    expect(status.stdout).toContain('lemming-default at turn 5');
    expect(status.stdout).toMatch(/\nhuman\s+human\s+-\s+0\s/);
    expect(status.stdout).toMatch(/manager\s+offline\s+0\.49\d\d \/ 0\.5000\s+0\s+turn 5: sent 1/);
    const json = JSON.parse(lemming(root, ['status', '--json']).stdout) as { turn: number; agents: Array<{ name: string; spent: number }> };
    expect(json.turn).toBe(5);
    expect(json.agents.find((agent) => agent.name === 'coder_01')?.spent).toBeGreaterThan(0);
  });

  test('run-once runs exactly one turn and says what happened', () => {
    const root = bootstrapped();
    lemming(root, ['send', 'manager', 'hello']);
    const once = lemming(root, ['run-once']);
    expect(once.status).toBe(0);
    expect(once.stdout).toContain('[turn 1] done: 1 called, 1 delivered (+1 from the human)');
    expect(once.stdout).toContain('1 message(s) delivered by the org (besides 1 from the human)');
    // It ran what it was asked to run: no cap was reached, and the mail the turn wrote waits for the next.
    expect(once.stdout).toContain('1 turn(s) run, now at turn 1; ran the one turn asked for; mail waits for planner');
    expect(once.stdout).not.toContain('turn cap');
    expect(listOutbox(root, 'manager')).toEqual(['000001-001-planner.md']);
  });

  test('a run stopped by org.yaml engine.max_turns says it reached the turn cap, and names it', () => {
    const root = bootstrapped();
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('max_turns: 50', 'max_turns: 2'));
    lemming(root, ['send', 'manager', 'hello']);
    const run = lemming(root, ['run']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('2 turn(s) run, now at turn 2; reached the turn cap (org.yaml engine.max_turns: 2); mail waits for');
  });

  test('send --from an agent seeds agent-to-agent mail: the next turn delivers it from that agent; the chart is checked at once', () => {
    const root = bootstrapped();
    const sent = lemming(root, ['send', 'planner', 'Split the release into tasks', '--from', 'manager', '--subject', 'Tasks']);
    expect(sent.stderr).toBe('');
    expect(sent.status).toBe(0);
    expect(sent.stdout).toContain('sent 000000-manager-001 from manager to planner: agents/manager/outbox/000000-001-planner.md');
    const run = lemming(root, ['run-once']);
    expect(run.stdout).toContain('[turn 1] manager -> planner: Tasks');
    const refused = lemming(root, ['send', 'hr', 'Hire someone', '--from', 'coder_01']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/not sent: .*coder_01/);
    const unknown = lemming(root, ['send', 'planner', 'Hello', '--from', 'ghost']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/there is no agent named "ghost"/);
    expect(listOutbox(root, 'coder_01')).toEqual([]);
  });

  test('top-up adds a ledger entry that status shows', () => {
    const root = bootstrapped();
    expect(lemming(root, ['top-up', 'hr', '2']).stdout).toContain('topped up hr by 2.0000 credits; 2.2500 left');
    expect(lemming(root, ['status']).stdout).toMatch(/hr\s+offline\s+2\.2500 \/ 2\.2500/);
    const plain = /expected a plain number of credits above 0 and at most 1000000 for one top-up, for example 0\.5/;
    for (const [junk, reason] of [
      ['-1', plain],
      ['0x10', plain],
      ['1e300', plain],
      ['lots', plain],
      ['0', /credits must be a number above 0, for example 0\.5/],
      ['1000000.5', /credits must be at most 1000000 for one top-up/],
      ['99999999999', /credits must be at most 1000000 for one top-up/],
      ['0.1234567891', /credits have at most 9 decimals/],
    ] as const) {
      const bad = lemming(root, ['top-up', 'hr', junk]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(reason);
    }
    expect(lemming(root, ['status']).stdout).toMatch(/hr\s+offline\s+2\.2500 \/ 2\.2500/);
    expect(lemming(root, ['top-up', 'hr', '1000000']).status).toBe(0);
  });

  test("a resume's budget is held to a top-up's rule (at most a million, in at most 9 decimals): status never shows Infinity, null or an exponent", () => {
    const root = bootstrapped();
    expect(lemming(root, ['top-up', 'planner', '0.25']).status).toBe(0);
    const resume = read(root, 'agents/coder_01/resume.md');
    const line = resume.split('\n').findIndex((each) => each.startsWith('credits:')) + 1;
    const example = "a valid value looks like `credits: 1.5   # a budget from 0 to 1000000 credits, in at most 9 decimals`";
    for (const [credits, why] of [
      ['1e300', "must be at most 1000000 for an agent's budget (more comes by `lemming top-up`)"],
      ['1000000.5', "must be at most 1000000 for an agent's budget (more comes by `lemming top-up`)"],
      ['0.1234567891', 'have at most 9 decimals'],
      ['-1', 'must be a number of 0 or more'],
    ] as const) {
      write(root, 'agents/coder_01/resume.md', resume.replace(/^credits: .*$/m, `credits: ${credits}`));
      const validate = lemming(root, ['validate']);
      expect({ credits, status: validate.status, stdout: validate.stdout }).toEqual({ credits, status: 1, stdout: `error: agents/coder_01/resume.md:${line}: credits: ${why}; ${example}\n` });
      const status = lemming(root, ['status']);
      expect(status.stdout).not.toMatch(/Infinity|NaN|e\+/);
    }
    // The largest budget a resume may give, and top-ups on it, are plain numbers.
    write(root, 'agents/coder_01/resume.md', resume.replace(/^credits: .*$/m, 'credits: 1000000'));
    expect(lemming(root, ['validate']).status).toBe(0);
    expect(lemming(root, ['top-up', 'coder_01', '1000000']).status).toBe(0);
    const status = lemming(root, ['status']);
    expect(status.stdout).not.toMatch(/Infinity|NaN|e\+/);
    expect(status.stdout).toMatch(/planner\s+offline\s+0\.7500 \/ 0\.7500/);
    expect(status.stdout).toMatch(/coder_01\s+offline\s+2000000\.00 \/ 2000000\.00/);
    const json = JSON.parse(lemming(root, ['status', '--json']).stdout) as { agents: Array<{ name: string; balance: unknown; toppedUp: unknown; spent: unknown }> };
    expect(json.agents.find((agent) => agent.name === 'planner')).toMatchObject({ balance: 0.75, toppedUp: 0.25, spent: 0 });
  });

  test('a ledger line lemming cannot count (1e999, null, text, tokens past 2^53, not JSON) stops status, run and top-up naming the line; validate lists each', () => {
    const root = bootstrapped();
    expect(lemming(root, ['top-up', 'planner', '0.25']).status).toBe(0);
    const at = '2026-11-22T18:00:00.000Z';
    appendFileSync(
      join(root, 'org/state/ledger.jsonl'),
      [
        `{"type":"top-up","agent":"planner","credits":1e999,"at":"${at}"}`,
        `{"type":"top-up","agent":"planner","credits":null,"at":"${at}"}`,
        `{"type":"top-up","agent":"planner","credits":"5","at":"${at}"}`,
        `{"type":"charge","turn":1,"agent":"planner","model":"offline","input_tokens":9007199254740993,"output_tokens":1,"credits":0.5,"at":"${at}"}`,
        `{"type":"charge","turn":1,"agent":"planner","model":"offline","input_tokens":0.4,"output_tokens":1,"credits":0.5,"at":"${at}"}`,
        'not a line of JSON',
        '',
      ].join('\n'),
    );
    // No balance is shown rather than a wrong one: each reader stops at the first line it cannot count, naming it.
    for (const args of [['status'], ['status', '--json'], ['run', '--plain'], ['top-up', 'planner', '1']]) {
      const result = lemming(root, args);
      expect(result.status, args.join(' ')).toBe(4);
      expect(result.stdout, args.join(' ')).not.toMatch(/planner/);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr, args.join(' ')).toMatch(/^lemming: org\/state\/ledger\.jsonl line 2: credits is Infinity; a top-up holds a number of credits above 0, at most 1000000000000\. /);
      expect(result.stderr, args.join(' ')).toContain('A top-up line looks like {"type":"top-up","agent":"coder_01","credits":5,"at":"2026-11-21T09:14:03.120Z"}');
      expect(result.stderr, args.join(' ')).toContain('`lemming validate` lists every such line');
    }
    // The refused top-up wrote nothing: a person who tries again once the ledger is mended is not given it twice.
    expect(read(root, 'org/state/ledger.jsonl').split('\n').filter((line) => line.includes('"type":"top-up"'))).toHaveLength(4);
    const validate = lemming(root, ['validate']);
    expect(validate.status).toBe(1);
    const lines = validate.stdout.split('\n').filter((line) => line.includes('org/state/ledger.jsonl'));
    expect(lines).toEqual([
      expect.stringMatching(/^error: org\/state\/ledger\.jsonl:2: credits is Infinity/),
      expect.stringMatching(/^error: org\/state\/ledger\.jsonl:3: credits is null/),
      expect.stringMatching(/^error: org\/state\/ledger\.jsonl:4: credits is "5"/),
      expect.stringMatching(/^error: org\/state\/ledger\.jsonl:5: input_tokens is 9007199254740992; a charge holds a whole number of tokens from 0 to 9007199254740991/),
      expect.stringMatching(/^error: org\/state\/ledger\.jsonl:6: input_tokens is 0\.4; a charge holds a whole number of tokens/),
      expect.stringMatching(/^error: org\/state\/ledger\.jsonl:7: is not a line of JSON/),
    ]);
    // Mended by hand, the org reads again.
    const ledger = read(root, 'org/state/ledger.jsonl').split('\n');
    write(root, 'org/state/ledger.jsonl', `${ledger[0]}\n`);
    expect(lemming(root, ['status']).stdout).toMatch(/planner\s+offline\s+0\.7500 \/ 0\.7500/);
  });

  test('an org whose totals an earlier lemming kept past a line it skipped is counted again, and told of the line rather than shown a balance', () => {
    const root = planned();
    const ledgerFile = join(root, 'org/state/ledger.jsonl');
    const countable = read(root, 'org/state/ledger.jsonl');
    appendFileSync(ledgerFile, '{"type":"charge","turn":1,"agent":"planner","model":"offline","input_tokens":9007199254740993,"output_tokens":1,"credits":0.5,"at":"2026-11-22T18:00:00.000Z"}\n');
    // As an earlier lemming left engine.json: its totals read past the line, which it skipped, and say no rule.
    const state = JSON.parse(read(root, 'org/state/engine.json')) as { ledger: { offset: number; rule?: number } };
    state.ledger.offset = read(root, 'org/state/ledger.jsonl').length;
    delete state.ledger.rule;
    write(root, 'org/state/engine.json', JSON.stringify(state));
    const status = lemming(root, ['status']);
    expect(status.status).toBe(4);
    expect(status.stderr).toMatch(new RegExp(`^lemming: org/state/ledger\\.jsonl line ${countable.split('\n').length}: input_tokens is 9007199254740992; `));
    // Mended (here: the line removed), the totals are counted again from the start, and the run goes on.
    write(root, 'org/state/ledger.jsonl', countable);
    expect(lemming(root, ['status']).status).toBe(0);
    expect(lemming(root, ['send', 'manager', 'One more thing']).status).toBe(0);
    expect(lemming(root, ['run']).status).toBe(0);
    expect((JSON.parse(read(root, 'org/state/engine.json')) as { ledger: { rule?: number } }).ledger.rule).toBe(2);
  });

  test('failures exit non-zero with a one-line reason', () => {
    const missing = lemming(tempDir(), ['status']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^lemming: \S+ holds no org \(org\/org\.yaml is missing\): `lemming bootstrap` writes the default org there/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);

    const root = bootstrapped();
    const forbidden = lemming(root, ['send', 'coder_01', 'hi']);
    expect(forbidden.status).toBe(1);
    expect(forbidden.stderr.trim()).toBe('lemming: not sent: human may not send to coder_01 (chart.yaml: agents.human.send_to)');
    expect(lemming(root, ['send', '../human', 'hi']).stderr).toMatch(/"..\/human" is not an agent name/);
    expect(lemming(root, ['send', 'nobody', 'hi']).stderr).toMatch(/not sent: there is no agent named nobody/);
    expect(lemming(root, ['run', '--turns', 'x']).status).toBe(2);
    // A seed is a seed, in the range an experiment file's seed: takes; not "a turn number".
    const seed = lemming(root, ['blame', '--check', 'tests_pass', '--seed', '3000000000']);
    expect(seed.status).toBe(2);
    expect(seed.stderr).toContain("option '--seed <n>' argument '3000000000' is invalid. expected a seed, a whole number from 0 to 2147482648, for example 7");
    expect(lemming(root, ['frobnicate']).status).toBe(2);
    expect(lemming(root, ['inspect', 'ghost']).stderr).toMatch(/there is no agent named "ghost"/);
  });

  test('validate lists every problem with file, line and field, and exits 1', () => {
    const root = bootstrapped();
    expect(lemming(root, ['validate']).stdout).toContain('valid: 6 agent(s)');
    write(root, 'agents/hr/resume.md', resume({ title: 'HR', model: 'gpt-9', credits: '1' }));
    write(root, 'agents/janitor/resume.md', resume({ title: 'Janitor', model: 'offline', credits: '-1' }));
    write(root, 'agents/manager/outbox/000001-001-planner.md', '---\nto: [\n---\n');
    const result = lemming(root, ['validate']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/error: agents\/hr\/resume\.md:3: model: names the model "gpt-9"/);
    expect(result.stdout).toMatch(/error: agents\/janitor\/resume\.md:4: credits: .*credits: 1\.5/);
    expect(result.stderr).toContain('2 error(s)');
    const run = lemming(root, ['run']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/agents\/hr\/resume\.md:3/);
  });

  test('bootstrap is idempotent, keeps edits and repairs folders; reset keeps resumes', () => {
    const root = bootstrapped();
    write(root, 'agents/manager/resume.md', resume({ title: 'My manager', model: 'offline', credits: '3' }));
    lemming(root, ['send', 'manager', 'hello']);
    lemming(root, ['run']);
    const again = lemming(root, ['bootstrap']);
    expect(again.stdout).toContain('kept agents/manager/resume.md');
    expect(read(root, 'agents/manager/resume.md')).toContain('My manager');
    // No terminal to ask in and no --yes: a mistake in what was typed (exit 2, as the exit-code table says), nothing deleted.
    const unasked = lemming(root, ['reset']);
    expect(unasked.status).toBe(2);
    expect(unasked.stderr).toContain('run it in a terminal to confirm, or pass --yes');
    expect(listOutbox(root, 'manager')).not.toEqual([]);
    const reset = lemming(root, ['reset', '--yes']);
    expect(reset.status).toBe(0);
    expect(listOutbox(root, 'manager')).toEqual([]);
    expect(listOutbox(root, 'human')).toEqual([]);
    expect(read(root, 'agents/manager/resume.md')).toContain('My manager');
    expect(lemming(root, ['status']).stdout).toContain('at turn 0');
  });

  test('inspect and logs show an agent at work', () => {
    const root = planned();
    const inspect = lemming(root, ['inspect', 'planner']);
    expect(inspect.stdout).toContain('planner: Planner: breaks work into tasks');
    expect(inspect.stdout).toMatch(/send_to\s+coder_01, manager\s+\(reaches: coder_01, manager\)/);
    expect(inspect.stdout).toContain('[turn 2] to coder_01: Plan');
    expect(inspect.stdout).toContain('[turn 3] from coder_01: Re: Plan');
    const logs = lemming(root, ['logs', 'planner', '-n', '3']);
    expect(logs.stdout.trim().split('\n')).toHaveLength(3);
    expect(logs.stdout).toMatch(/\[turn 4\] \S+ charged model="offline"/);
  });
});

test('--version prints the package version', () => {
  const result = lemming(tempDir(), ['--version']);
  expect(result.status).toBe(0);
  expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
});

test('a folder with no org is left as it was: run and reset refuse it and write nothing', () => {
  const empty = tempDir();
  for (const args of [['run'], ['run-once'], ['reset', '--yes'], ['status']]) {
    const result = lemming(empty, args);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/org\/org\.yaml/);
  }
  expect(readdirSync(empty)).toEqual([]);
});

test('output piped into a reader that stops early is not an error', () => {
  const root = bootstrapped();
  const result = spawnSync('sh', ['-c', `node ${JSON.stringify(CLI)} --root ${JSON.stringify(root)} logs manager -n 1; node ${JSON.stringify(CLI)} --root ${JSON.stringify(root)} status | head -c 1`], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
});

test('logs skips lines that are not log entries and still shows the last n', () => {
  const root = planned();
  appendFileSync(join(root, 'agents/manager/logs/activity.jsonl'), 'null\n"str"\n{"no":"turn"}\n');
  const logs = lemming(root, ['logs', 'manager', '-n', '3']);
  expect(logs.status).toBe(0);
  expect(logs.stdout.trim().split('\n')).toHaveLength(3);
  expect(logs.stdout).not.toMatch(/undefined|native code/);
});
