import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { builtOrg, step } from '../helpers/built-org.js';
import { lemming } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dirs.js';

/**
 * The engine's state (`org/state/engine.json` and its parts in `org/state/engine/`) edited by hand or
 * by an adversary between runs: a value the engine never writes is refused by every command that
 * reads the state, with the file and the field, before a turn runs, a balance is shown or mail is
 * counted. Never read as something else: a turn of "4" ran turn 41, a total spent held as text left
 * a balance of NaN, a negative one gave credits, a list of waiting mail held as an object (or the
 * file replaced by a folder) lost the mail waiting.
 */

/** An org whose manager has one letter waiting (the planner's answer) after four turns of the offline model. */
const ranOrg = builtOrg((root) => {
  step(root, ['bootstrap']);
  step(root, ['send', 'manager', 'Please plan the release and write a summary file']);
  step(root, ['run', '--until', '4']);
});

const STATE = 'org/state/engine.json';

function edit(root: string, file: string, change: (data: Record<string, unknown>) => void): void {
  const path = join(root, file);
  const data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  change(data);
  writeFileSync(path, JSON.stringify(data));
}

/** The whole copy of the state's parts engine.json names, as from the org root. */
function basePart(root: string): string {
  const { parts } = JSON.parse(readFileSync(join(root, STATE), 'utf8')) as { parts: { first: number } };
  return `org/state/engine/${String(parts.first).padStart(9, '0')}.json`;
}

/** What a run could change: the ledger and every outbox. */
function written(root: string): string {
  const outboxes = readdirSync(join(root, 'agents')).flatMap((agent) => {
    try {
      return readdirSync(join(root, 'agents', agent, 'outbox')).map((name) => `${agent}/${name}`);
    } catch {
      return [];
    }
  });
  return `${readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8')}\n${outboxes.sort().join('\n')}`;
}

/**
 * status, run and validate each refuse the org, naming the file and the field, and the run neither calls a model nor writes a message.
 * The commands that read the state exit 4, as for every damaged record (docs/cli.md); validate exits 1, as on any error it finds.
 */
function refused(root: string, file: string, said: RegExp): void {
  const before = written(root);
  for (const args of [['status'], ['run', '--until', '6'], ['inspect', 'manager'], ['validate']]) {
    const result = lemming(root, args);
    expect(result.status, `lemming ${args.join(' ')}: ${result.stdout}`).toBe(args[0] === 'validate' ? 1 : 4);
    expect(result.stdout + result.stderr).toContain(file);
    expect(result.stdout + result.stderr).toMatch(said);
    expect(result.stderr).not.toMatch(/unexpected error/);
  }
  expect(written(root)).toBe(before);
}

describe('the engine state edited by hand between runs', () => {
  test('as it was written, it is read: the manager has one letter waiting and the next run goes on at turn 5', () => {
    const root = ranOrg();
    expect(lemming(root, ['status']).stdout).toMatch(/at turn 4\n[^]*\nmanager +offline +0\.4967 \/ 0\.5000 +1 /);
    const run = lemming(root, ['run', '--until', '5']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('[turn 5] manager -> human');
  });

  test('a turn held as text, past every number or below 0 is refused, not run as turn 41, Infinity or -3', () => {
    for (const turn of ['4', 1e999, -4, 4.5]) {
      const root = ranOrg();
      edit(root, STATE, (data) => {
        data.turn = turn;
      });
      refused(root, STATE, /field "turn" is [^;]+; it holds the last finished turn, a whole number of 0 or more, such as 4/);
    }
  });

  test('notices and agents out of credits that are not lists are refused by name, not an unexpected error', () => {
    let root = ranOrg();
    edit(root, STATE, (data) => {
      data.humanNotices = 7;
    });
    refused(root, STATE, /field "humanNotices" is 7; it holds a list of notices/);
    root = ranOrg();
    edit(root, STATE, (data) => {
      data.outOfCredits = 'manager';
    });
    refused(root, STATE, /field "outOfCredits" is "manager"; it holds a list of agent names/);
  });

  test('a folder where engine.json should be is said, not read as an org at turn 0 with no mail waiting', () => {
    const root = ranOrg();
    rmSync(join(root, STATE));
    mkdirSync(join(root, STATE));
    refused(root, STATE, /it is a folder/);
  });

  test('engine.json linked to a file outside the org is refused unread, not taken as the state', () => {
    const root = ranOrg();
    // A state of someone else's making, outside the org: a turn far ahead, and no mail waiting.
    const outside = join(tempDir(), 'engine.json');
    writeFileSync(outside, readFileSync(join(root, STATE), 'utf8').replace('"turn":4', '"turn":40'));
    rmSync(join(root, STATE));
    symlinkSync(outside, join(root, STATE));
    refused(root, STATE, /it is a symbolic link, which lemming does not follow out of its state/);
  });

  test('a pipe where engine.json should be is refused, not waited on forever', () => {
    const root = ranOrg();
    rmSync(join(root, STATE));
    expect(spawnSync('mkfifo', [join(root, STATE)]).status).toBe(0);
    refused(root, STATE, /it is not a regular file/);
  });

  test('waiting mail that is not a list of letters is refused, not dropped', () => {
    let root = ranOrg();
    let part = basePart(root);
    edit(root, part, (data) => {
      data.pending = { a: 1 };
    });
    refused(root, part, /field "pending" is \{"a":1\}; it holds the mail waiting, a list of letters/);
    root = ranOrg();
    part = basePart(root);
    edit(root, part, (data) => {
      (data.pending as Array<Record<string, unknown>>)[0]!.turn = '4';
    });
    refused(root, part, /field "pending\[0\]" is [^;]+; it holds a letter waiting/);
  });

  test('a total spent held as text, negative or missing is refused: no balance of NaN, no credits given', () => {
    for (const spent of ['0.0033475', -100, null]) {
      const root = ranOrg();
      const part = basePart(root);
      edit(root, part, (data) => {
        ((data.totals as Record<string, Record<string, unknown>>).manager as Record<string, unknown>).spent = spent;
      });
      refused(root, part, /field "totals\.manager" is \{"spent":[^;]+; it holds the agent.s totals from the ledger, each a number, spent and tokens 0 or more, such as \{"spent":0\.0033475/);
    }
  });

  test('a line of taken.jsonl that is not one lemming writes is refused naming its line, not skipped so its mail is delivered again', () => {
    // Each of the same length as the line it replaces: the record is as long as engine.json says.
    for (const line of ['x', '{"turn":2,"files":{"planner":"000002-001-coder_01.md"}}', '[2]', '{"turn":"2","files":{}}', '{"turn":2,"files":{"planner":[2]}}']) {
      const root = ranOrg();
      const path = join(root, 'org/state/taken.jsonl');
      const lines = readFileSync(path, 'utf8').split('\n');
      expect(line.length).toBeLessThanOrEqual(lines[1]!.length);
      lines[1] = line.padEnd(lines[1]!.length, ' ');
      writeFileSync(path, lines.join('\n'));
      // As a clone finds it: without the machine's caches, so every outbox is looked at.
      rmSync(join(root, 'org/state/cache'), { recursive: true, force: true });
      const before = written(root);
      const run = lemming(root, ['run', '--until', '6']);
      expect(run.status).toBe(4);
      expect(run.stderr).toContain('org/state/taken.jsonl line 2: ');
      expect(run.stdout).not.toContain('planner -> coder_01');
      expect(written(root)).toBe(before);
      const validate = lemming(root, ['validate']);
      expect(validate.status).toBe(1);
      expect(validate.stdout + validate.stderr).toContain('org/state/taken.jsonl line 2: ');
    }
  });

  test('changed-agents.log linked to a file outside the org is neither appended to by a send nor emptied by a run, and the mail still arrives', () => {
    const root = ranOrg();
    const outside = join(tempDir(), 'passwd');
    writeFileSync(outside, 'root:x:0:0:root:/root:/bin/bash\n');
    // An org large enough for the engine to learn changes from the log (org.yaml engine.changes.scan_per_turn below its 6 agents).
    const orgFile = join(root, 'org/org.yaml');
    writeFileSync(orgFile, readFileSync(orgFile, 'utf8').replace('engine:\n', 'engine:\n  changes: { scan_per_turn: 1 }\n'));
    const log = join(root, 'org/state/cache/changed-agents.log');
    rmSync(log, { force: true });
    symlinkSync(outside, log);
    expect(lemming(root, ['send', 'manager', 'Please hire a tester']).status).toBe(0);
    const run = lemming(root, ['run', '--until', '6']);
    expect(run.status).toBe(0);
    expect(readFileSync(outside, 'utf8')).toBe('root:x:0:0:root:/root:/bin/bash\n');
    expect(run.stdout).toMatch(/\[turn 5\] manager thinking \(offline, 2 message\(s\)\)/);
  });

  test('a record linked to a file outside the org stops the run, naming it, and the file outside is neither cut nor appended to', () => {
    for (const record of ['org/state/ledger.jsonl', 'org/state/taken.jsonl', 'agents/manager/logs/activity.jsonl']) {
      const root = ranOrg();
      // A file of someone's, its last line without its newline: what a repair after a crash would cut.
      const outside = join(tempDir(), 'notes.txt');
      const theirs = `${readFileSync(join(root, record), 'utf8')}a last line without its newline`;
      writeFileSync(outside, theirs);
      rmSync(join(root, record));
      symlinkSync(outside, join(root, record));
      const run = lemming(root, ['run', '--until', '6']);
      expect(run.status, run.stdout).toBe(5);
      expect(run.stderr).toContain(`is a symbolic link (ELINKED writing ${record})`);
      expect(readFileSync(outside, 'utf8')).toBe(theirs);
    }
  });

  test('a folder where the ledger, taken.jsonl or the journal should be is said by name, not an unexpected error', () => {
    for (const record of ['org/state/ledger.jsonl', 'org/state/taken.jsonl', 'org/state/journal.jsonl']) {
      const root = ranOrg();
      rmSync(join(root, record), { force: true });
      mkdirSync(join(root, record));
      for (const args of [['run', '--until', '6'], ['validate']]) {
        const result = lemming(root, args);
        expect(result.status).not.toBe(0);
        expect(result.stdout + result.stderr).toMatch(record.endsWith('journal.jsonl') ? /org\/state\/journal\.jsonl is a folder, where lemming keeps the journal of a turn in progress/ : `${record} is not a file (a folder, or another kind), where lemming keeps a record of lines`);
        expect(result.stderr).not.toMatch(/unexpected error/);
      }
    }
  });

  test('a ledger shorter than the state counted it (cut, or an older copy restored) is refused, not shown with balances of lines no longer there', () => {
    // Cut on a line's end (a line cut short is a crash's, which the run's start cuts back first), or emptied.
    for (const cut of [(text: string) => text.split('\n').slice(0, 2).join('\n') + '\n', () => '']) {
      const root = ranOrg();
      const path = join(root, 'org/state/ledger.jsonl');
      writeFileSync(path, cut(readFileSync(path, 'utf8')));
      refused(root, 'org/state/ledger.jsonl', /org\/state\/ledger\.jsonl holds \d+ bytes, but org\/state\/engine\.json says the engine had counted 687 \(ledger\.offset\)/);
    }
  });

  test('a counted line of the ledger changed in place, its length kept, is found by validate, naming the file, where nothing found it', () => {
    const root = ranOrg();
    const path = join(root, 'org/state/ledger.jsonl');
    const text = readFileSync(path, 'utf8');
    // The manager's one charge made a tenth of itself, in as many bytes: its balance from the ledger no longer what the state counted.
    const charge = /"agent":"manager"[^\n]*"credits":(0\.00\d+)/.exec(text)?.[1];
    expect(charge).toBeDefined();
    const edited = text.replace(`"credits":${charge}`, `"credits":${charge!.replace('0.00', '0.000').slice(0, charge!.length)}`);
    expect(edited).not.toBe(text);
    expect(edited.length).toBe(text.length);
    writeFileSync(path, edited);
    const validate = lemming(root, ['validate']);
    expect(validate.status).toBe(1);
    expect(validate.stdout + validate.stderr).toMatch(/org\/state\/ledger\.jsonl: its first 687 bytes, which every balance was counted from \(ledger\.offset in org\/state\/engine\.json\), are not the bytes the engine counted/);
    // As it was written, the ledger passes: the checksum kept is the one of what the engine counted.
    writeFileSync(path, text);
    expect(lemming(root, ['validate']).status).toBe(0);
  });

  test('across the pieces of the ledger and a top-up between turns, the checksum is the counted bytes', () => {
    const small = { LEMMING_RECORD_PIECE_BYTES: '1' };
    const root = tempDir();
    for (const args of [['bootstrap'], ['send', 'manager', 'Please plan the release'], ['run', '--until', '2'], ['top-up', 'planner', '1'], ['run', '--until', '4']]) {
      expect(lemming(root, args, small).status, args.join(' ')).toBe(0);
    }
    const pieces = readdirSync(join(root, 'org/state/ledger')).sort();
    expect(pieces.length).toBeGreaterThan(1);
    expect(lemming(root, ['validate'], small).status).toBe(0);
    // The top-up, now in a piece of its own, changed in place.
    const piece = join(root, 'org/state/ledger', pieces.find((name) => readFileSync(join(root, 'org/state/ledger', name), 'utf8').includes('"top-up"'))!);
    const text = readFileSync(piece, 'utf8');
    writeFileSync(piece, text.replace('"credits":1,', '"credits":9,'));
    const validate = lemming(root, ['validate'], small);
    expect(validate.status).toBe(1);
    expect(validate.stdout + validate.stderr).toContain('org/state/ledger.jsonl: its first ');
  });

  test('a ledger.crc that is no CRC-32 is refused naming the field; a state without one, kept by an earlier lemming, is read and given one', () => {
    const root = ranOrg();
    edit(root, STATE, (data) => {
      (data.ledger as Record<string, unknown>).crc = -1;
    });
    refused(root, STATE, /field "ledger\.crc" is -1; it holds the CRC-32 of the ledger bytes counted, a whole number from 0 to 4294967295/);
    const earlier = ranOrg();
    edit(earlier, STATE, (data) => {
      delete (data.ledger as Record<string, unknown>).crc;
    });
    expect(lemming(earlier, ['validate']).status).toBe(0);
    expect(lemming(earlier, ['run', '--until', '5']).status).toBe(0);
    expect((JSON.parse(readFileSync(join(earlier, STATE), 'utf8')) as { ledger: { crc?: number } }).ledger.crc).toEqual(expect.any(Number));
    expect(lemming(earlier, ['validate']).status).toBe(0);
  });
});
