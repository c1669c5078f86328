import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseMessageFileName } from '../../src/mailbox/message.js';
import { lemming } from '../helpers/cli.js';
import { charges, messageFiles } from '../helpers/org-snapshot.js';
import { defaultFaultOrg, humanSends, runOrg, writeFile } from './fault-org.js';
import { scratchDir } from './scratch.js';

/** A small seeded generator (mulberry32), so a failing sequence can be run again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const CRASH_POINTS = ['before-call', 'after-response', 'mid-write', 'after-write', 'after-apply', 'after-ledger', 'after-taken', 'before-commit', 'after-commit'];
type Operation = 'send' | 'turn' | 'crash' | 'copy' | 'drop' | 'delete' | 'touch' | 'clone';
const OPERATIONS: Operation[] = ['send', 'turn', 'turn', 'crash', 'copy', 'drop', 'delete', 'touch', 'clone'];

function lastTurn(root: string): number {
  return existsSync(join(root, 'org/state/engine.json')) ? (JSON.parse(readFileSync(join(root, 'org/state/engine.json'), 'utf8')) as { turn: number }).turn : 0;
}

function git(cwd: string, args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, stdio: 'ignore' });
}

/**
 * Ordinary file operations interleaved with turns and SIGKILLs, in one org, against the same
 * sends and turns in an org no one touches: copying the org and going on in the copy, moving
 * a file in with an old mtime, deleting delivered files, touching everything, committing and
 * cloning with git. The outcome must be the same files and the same charges.
 */
async function playOut(seed: number, steps: number): Promise<{ log: string[]; subject: string; reference: string; deleted: Set<string> }> {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  let subject = defaultFaultOrg();
  const reference = defaultFaultOrg();
  const deleted = new Set<string>();
  const log: string[] = [];
  let drops = 0;
  for (let step = 0; step < steps; step += 1) {
    const operation = step === 0 ? 'send' : pick(OPERATIONS);
    log.push(operation);
    if (operation === 'send') {
      const task = `Task ${step}: ${pick(['plan the release', 'hire a designer', 'fix the login bug', 'write the docs'])}.`;
      for (const root of [subject, reference]) humanSends(root, 'manager', task);
    } else if (operation === 'turn') {
      await runOrg(reference, { maxTurns: 1 });
      await runOrg(subject, { maxTurns: 1 });
    } else if (operation === 'crash') {
      await runOrg(reference, { maxTurns: 1 });
      const point = `${pick(CRASH_POINTS)}:1`;
      log.push(point);
      lemming(subject, ['run', '--plain', '--turns', '1'], { LEMMING_CRASH_AT: point });
      // The kill may come after the turn committed; otherwise the next run finishes the turn it interrupted.
      if (lastTurn(subject) < lastTurn(reference)) expect(lemming(subject, ['run', '--plain', '--turns', '1']).status).toBe(0);
    } else if (operation === 'copy') {
      const copy = join(scratchDir(), `copy-${step}`);
      execFileSync('cp', [pick(['-r', '-a']), subject, copy]);
      subject = copy;
    } else if (operation === 'drop') {
      drops += 1;
      const name = pick(['#1 changelog', '!urgent', '(draft)', 'zz-late', 'a']) + `-${drops}.md`;
      const text = `---\nto: manager\nsubject: Dropped ${drops}\n---\nA note dropped in by hand (${drops}).\n`;
      writeFile(reference, `agents/human/outbox/${name}`, text);
      const staged = join(scratchDir(), name);
      writeFileSync(staged, text);
      utimesSync(staged, new Date('2001-02-03'), new Date('2001-02-03'));
      renameSync(staged, join(subject, 'agents/human/outbox', name));
    } else if (operation === 'delete') {
      const turn = lastTurn(subject);
      const outbox = join(subject, 'agents/manager/outbox');
      const old = (existsSync(outbox) ? readdirSync(outbox) : []).filter((name) => (parseMessageFileName(name)?.turn ?? turn) < turn);
      if (old.length > 0) {
        const name = pick(old);
        unlinkSync(join(outbox, name));
        deleted.add(`agents/manager/outbox/${name}`);
      }
    } else if (operation === 'touch') {
      execFileSync('sh', ['-c', `find "${subject}/agents" "${subject}/org" -type f -exec touch {} +`]);
    } else {
      if (!existsSync(join(subject, '.git'))) git(subject, ['init', '-q']);
      git(subject, ['add', '-A']);
      git(subject, ['commit', '-qm', `step ${step}`, '--allow-empty']);
      const clone = join(scratchDir(), `clone-${step}`);
      git(scratchDir(), ['clone', '-q', subject, clone]);
      subject = clone;
    }
  }
  await runOrg(reference);
  await runOrg(subject);
  return { log, subject, reference, deleted };
}

describe('ordinary file operations interleaved with turns and kills', () => {
  test.concurrent.each([11, 23, 47])('seed %i: the same files and charges as an org never touched', async (seed) => {
    const { log, subject, reference, deleted } = await playOut(seed, 16);
    const expected = Object.fromEntries(Object.entries(messageFiles(reference)).filter(([file]) => !deleted.has(file)));
    expect({ log, files: messageFiles(subject) }).toEqual({ log, files: expected });
    expect({ log, charges: charges(subject) }).toEqual({ log, charges: charges(reference) });
  });
});
