import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { builtOrg, step } from '../helpers/built-org.js';
import { lemming } from '../helpers/cli.js';

/**
 * The turn's journal (`org/state/journal.jsonl`) is appended to, a whole line at a time, so a crash
 * can only cut its last line short, which the next start cuts off. A line damaged in the middle (an
 * edit, a disk) was read as such a cut: the journal was cut there, every record after it dropped
 * unsaid, and the recovered turn asked its model again and ran its tools again (charged twice with a
 * real model). Now the run and `validate` stop on it, naming the file and the line.
 */

/** An org killed in turn 3 after coder_01's answer and tool results were journaled and applied, before the turn committed. */
const crashedOrg = builtOrg((root) => {
  step(root, ['bootstrap']);
  step(root, ['send', 'manager', 'Please plan the release']);
  step(root, ['run', '--until', '1']);
  const killed = lemming(root, ['run', '--until', '3'], { LEMMING_CRASH_AT: 'after-apply:2' });
  if (killed.signal !== 'SIGKILL') throw new Error(`the run was not killed in turn 3: ${killed.stdout}${killed.stderr}`);
});

const JOURNAL = 'org/state/journal.jsonl';

function journalLines(root: string): string[] {
  return readFileSync(join(root, JOURNAL), 'utf8').split('\n');
}

function outboxes(root: string): string {
  return readdirSync(join(root, 'agents'))
    .flatMap((agent) => {
      try {
        return readdirSync(join(root, 'agents', agent, 'outbox')).map((name) => `${agent}/${name}`);
      } catch {
        return [];
      }
    })
    .sort()
    .join('\n');
}

describe('a damaged line in the turn journal', () => {
  test('as the crash left it, the turn is finished from the journal: coder_01 is not asked again', () => {
    const root = crashedOrg();
    const run = lemming(root, ['run', '--until', '3', '--plain']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('coder_01 thinking');
    expect(run.stdout).toContain('[turn 3] done: 0 called, 1 delivered');
  });

  test('a line of garbage before whole records stops run and validate naming the file and line; nothing is cut, asked or written', () => {
    const root = crashedOrg();
    const lines = journalLines(root);
    expect(lines.filter((line) => line !== '').length).toBeGreaterThan(3);
    lines.splice(1, 0, 'this is not json');
    writeFileSync(join(root, JOURNAL), lines.join('\n'));
    const journal = readFileSync(join(root, JOURNAL), 'utf8');
    const mail = outboxes(root);

    const run = lemming(root, ['run', '--until', '3', '--plain']);
    expect(run.status).toBe(4);
    expect(run.stderr).toContain(`${JOURNAL} line 2: is not a record of the journal`);
    expect(run.stderr).toContain('line 3 after it is one');
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.stdout).not.toContain('coder_01 thinking');
    expect(readFileSync(join(root, JOURNAL), 'utf8')).toBe(journal);
    expect(outboxes(root)).toBe(mail);

    const validate = lemming(root, ['validate']);
    expect(validate.status).toBe(1);
    expect(validate.stdout + validate.stderr).toContain(`${JOURNAL} line 2: is not a record of the journal`);

    // Mended by deleting the line, as the message says: the turn finishes from the records after it.
    lines.splice(1, 1);
    writeFileSync(join(root, JOURNAL), lines.join('\n'));
    const mended = lemming(root, ['run', '--until', '3', '--plain']);
    expect(mended.status, mended.stderr).toBe(0);
    expect(mended.stdout).not.toContain('coder_01 thinking');
    expect(mended.stdout).toContain('[turn 3] done: 0 called, 1 delivered');
  });

  test('a damaged last line, with or without its newline, is a torn tail: cut, and the turn finishes from the records before it', () => {
    for (const tail of ['{"type":"done","turn":3,"agent":"cod', '\u0000\u0000\u0000\u0000\n']) {
      const root = crashedOrg();
      writeFileSync(join(root, JOURNAL), `${readFileSync(join(root, JOURNAL), 'utf8')}${tail}`);
      const run = lemming(root, ['run', '--until', '3', '--plain']);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).not.toContain('coder_01 thinking');
      expect(run.stdout).toContain('[turn 3] done: 0 called, 1 delivered');
    }
  });
});
