import { mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { execute } from '../../src/cli/execute.js';
import { validateCommand } from '../../src/cli/commands/validate.js';
import type { Output } from '../../src/cli/cli-context.js';
import { LemmingError } from '../../src/errors.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { Org } from '../../src/org/org.js';
import { parseChartFile, parseOrgFile, parseResume } from '../../src/org/parse-files.js';
import { parseRouting } from '../../src/org/routing/load-routing.js';
import { formatProposal, parseProposal } from '../../src/tools/proposals/proposal.js';
import { lemming } from '../helpers/cli.js';
import { MUTATIONS, type FileKind, type Mutated } from '../helpers/file-mutations.js';
import { ScriptedProvider, sendCall } from '../helpers/scripted-provider.js';
import { fuzzSeed, seededRandom, type Random } from '../helpers/seeded-random.js';
import { defaultFaultOrg, eventsOf, humanSends, runScripted } from '../faults/fault-org.js';
import { checkInvariants } from '../faults/invariants.js';

/**
 * The org's editable files, broken at random between turns and during them: resumes, the chart,
 * org.yaml, routing, an agent template, a proposal and a message dropped by hand. Whatever the
 * bytes, the engine goes on (never an "unexpected error"), loses no message, and money stays
 * conserved; `lemming validate` reports, never crashes. Seeded: the seed is printed, and
 * LEMMING_FUZZ_SEED=<seed> repeats a run. Counted in cases, not time.
 */

const SEED = fuzzSeed();
console.log(`org-files fuzz: seed ${SEED} (LEMMING_FUZZ_SEED=${SEED} repeats this run)`);

const ENGINE_CASES = 8;
const CLI_CASES = 2;

/** The message a person drops by hand into the manager's outbox; broken copies of it are dropped beside it as new files. */
const DROPPED = 'agents/manager/outbox/000000-900-planner.md';
const PROPOSAL = 'org/proposals/000001-hr-001.md';

/** A file the fuzz breaks: where, what kind, and whether a version of it with the same meaning as the original (so any edit to it may stand). */
interface Target {
  file: string;
  kind: FileKind;
  /** The parsed value, when the text is a valid version of this file; undefined when it is broken. Absent: any edit may stand. */
  meaning?: (text: string, org: Org) => unknown;
}

const TARGETS: readonly Target[] = [
  { file: 'org/org.yaml', kind: 'yaml', meaning: (text) => parseOrgFile(text).value },
  { file: 'org/chart.yaml', kind: 'yaml', meaning: (text) => parseChartFile(text).value },
  { file: 'org/routing.yaml', kind: 'yaml', meaning: (text, org) => parseRouting(text, org).rules },
  { file: 'agents/manager/resume.md', kind: 'markdown', meaning: (text) => parseResume(text, 'resume.md').value },
  { file: 'agents/planner/resume.md', kind: 'markdown', meaning: (text) => parseResume(text, 'resume.md').value },
  { file: 'agents/human/resume.md', kind: 'markdown', meaning: (text) => parseResume(text, 'resume.md').value },
  { file: 'org/templates/tester.md', kind: 'markdown' },
  {
    file: PROPOSAL,
    kind: 'markdown',
    meaning: (text) => {
      const parsed = parseProposal(text, PROPOSAL);
      return 'error' in parsed ? undefined : parsed;
    },
  },
  { file: DROPPED, kind: 'markdown' },
];

/** The default org with every kind of editable file in it. */
function fuzzOrg(): { root: string; originals: Map<string, string>; org: Org } {
  const root = defaultFaultOrg();
  const put = (file: string, text: string): void => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  put('org/routing.yaml', 'forward:\n  - name: never\n    mail_to: planner\n    from: coder_01\n    forward_to: manager\n');
  put('org/templates/tester.md', '---\ntitle: Tester\ncredits: 0.1\ntools: [send_message]\n---\nTest what you are given.\n');
  put(
    PROPOSAL,
    formatProposal({ id: '000001-hr-001', kind: 'retire', status: 'rejected', proposed_by: 'hr', turn: 1, created: '2026-01-01T00:00:00.000Z', retire: { name: 'janitor', reason: 'idle' }, reason: 'kept' }),
  );
  put(DROPPED, '---\nto: planner\nsubject: By hand\n---\nA note dropped by hand.\n');
  const originals = new Map(TARGETS.map((target) => [target.file, readFileSync(join(root, target.file), 'utf8')]));
  return { root, originals, org: loadOrg(root).org };
}

/** True when the bytes are the file broken, or the same meaning as the original: a valid edit that means something else is a person's change, not the fuzz's. */
function mayStand(target: Target, mutated: Mutated, original: string, org: Org): boolean {
  if (!target.meaning || !('bytes' in mutated)) return true;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(mutated.bytes);
  } catch {
    return true;
  }
  if (text.includes('\u0000')) return true;
  try {
    const value = target.meaning(text.replace(/^\uFEFF/, ''), org);
    return value === undefined || JSON.stringify(value) === JSON.stringify(target.meaning(original, org));
  } catch {
    return true;
  }
}

function place(root: string, file: string, mutated: Mutated): void {
  const path = join(root, file);
  rmSync(path, { recursive: true, force: true });
  if ('folder' in mutated) mkdirSync(path, { recursive: true });
  else if ('sparse' in mutated) {
    writeFileSync(path, '---\nto: planner\n---\n');
    truncateSync(path, mutated.sparse);
  } else writeFileSync(path, mutated.bytes);
}

/** Breaks and mends the org's files, and says what it did (for a failure's message). */
class Breaker {
  readonly done: string[] = [];
  /** Every message file dropped by hand, broken or not: the checker knows they may not be read, and may lie. */
  readonly dropped: string[] = [DROPPED];
  constructor(
    private readonly root: string,
    private readonly originals: Map<string, string>,
    private readonly org: Org,
    private readonly random: Random,
  ) {}

  breakOne(when: string): void {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const target = this.random.pick(TARGETS);
      const mutation = this.random.pick(MUTATIONS);
      const original = this.originals.get(target.file) ?? '';
      const mutated = mutation.apply(original, this.random, target.kind);
      if (!mayStand(target, mutated, original, this.org)) continue;
      // A dropped message stays to the end, where the checker reads every file whole: bytes, not folders or sparse gigabytes.
      if (target.file === DROPPED && !('bytes' in mutated)) continue;
      // A message is broken as a person drops it: a new file, left as it is (one already read stays as it was read).
      const file = target.file === DROPPED ? DROPPED.replace('-900-', `-${900 + this.dropped.length}-`) : target.file;
      if (file !== target.file) this.dropped.push(file);
      place(this.root, file, mutated);
      this.done.push(`${when}: ${mutation.name} -> ${file}`);
      return;
    }
  }

  mendOne(when: string): void {
    const target = this.random.pick(TARGETS.filter((item) => item.file !== DROPPED));
    this.mend(target.file);
    this.done.push(`${when}: mended ${target.file}`);
  }

  mendAll(): void {
    for (const target of TARGETS) if (target.file !== DROPPED) this.mend(target.file);
  }

  private mend(file: string): void {
    place(this.root, file, { bytes: Buffer.from(this.originals.get(file) ?? '', 'utf8') });
  }
}

/** `lemming validate` in this process, through the same error reporting as the binary. */
async function validateHere(root: string): Promise<{ exitCode: number; text: string }> {
  const lines: string[] = [];
  const output: Output = { out: (line) => lines.push(line), err: (line) => lines.push(line) };
  const before = process.exitCode;
  await execute(() => validateCommand(root, {}, output), output);
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = before;
  return { exitCode, text: lines.join('\n') };
}

const PARTNER: Record<string, string> = { manager: 'planner', planner: 'manager' };

describe(`the org's editable files broken at random (seed ${SEED})`, () => {
  test(`${ENGINE_CASES} runs with files broken during turns and between engine runs: no crash, no message lost, money conserved`, async () => {
    for (let index = 0; index < ENGINE_CASES; index += 1) {
      const random = seededRandom(SEED + index);
      const { root, originals, org } = fuzzOrg();
      const breaker = new Breaker(root, originals, org, random);
      const label = (): string => `seed ${SEED}, case ${index}:\n  ${breaker.done.join('\n  ')}`;
      let breaking = true;
      const provider = new ScriptedProvider((request) => {
        if (breaking && random.chance(0.7)) breaker.breakOne(`turn ${request.turn} (${request.agent})`);
        if (breaking && random.chance(0.25)) breaker.mendOne(`turn ${request.turn} (${request.agent})`);
        const to = PARTNER[request.agent];
        return to !== undefined && request.turn < 6 ? { toolCalls: [sendCall(to, `Turn ${request.turn} from ${request.agent}.`)] } : {};
      });
      humanSends(root, 'manager', 'Start.');

      // During turns: the run goes on to its end whatever is written.
      const during = await runScripted(root, provider, { maxTurns: 8 }).then(
        (events) => ({ events }),
        (error: unknown) => ({ error }),
      );
      expect('error' in during ? String(during.error) : '', label()).toBe('');
      if ('events' in during) expect(eventsOf(during.events, 'run-finished'), label()).toHaveLength(1);

      // Between engine runs: validate reports, and a new engine starts or is refused with the problems.
      breaker.breakOne('between runs');
      const validated = await validateHere(root);
      expect(validated.text, label()).not.toContain('unexpected error');
      expect([0, 1], label()).toContain(validated.exitCode);
      const between = await runScripted(root, provider, { maxTurns: 2 }).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (between !== undefined) expect(between instanceof LemmingError ? 'a LemmingError' : String(between), label()).toBe('a LemmingError');

      // Mended: the org runs to idle, and every promise about its files holds.
      breaking = false;
      breaker.mendAll();
      humanSends(root, 'manager', 'Once more.');
      await runScripted(root, provider);
      expect(checkInvariants(root, { requests: provider.requests, broken: breaker.dropped, handDropped: breaker.dropped }), label()).toEqual([]);
      expect(({} as Record<string, unknown>).polluted, label()).toBeUndefined();
      rmSync(root, { recursive: true, force: true });
    }
  }, 240_000);

  test(`${CLI_CASES} orgs broken at random: lemming validate and lemming run report, never "unexpected error"`, () => {
    for (let index = 0; index < CLI_CASES; index += 1) {
      const random = seededRandom(SEED + 1000 + index);
      const { root, originals, org } = fuzzOrg();
      const breaker = new Breaker(root, originals, org, random);
      for (let count = random.int(1, 3); count > 0; count -= 1) breaker.breakOne('before');
      const label = `seed ${SEED}, CLI case ${index}:\n  ${breaker.done.join('\n  ')}`;
      const validated = lemming(root, ['validate']);
      expect(validated.stderr, label).not.toContain('unexpected error');
      expect([0, 1], `${label}\n${validated.stderr}`).toContain(validated.status);
      const run = lemming(root, ['run', '--plain', '--turns', '2']);
      expect(run.stderr, label).not.toContain('unexpected error');
      expect([0, 1], `${label}\n${run.stderr}`).toContain(run.status);
      rmSync(root, { recursive: true, force: true });
    }
  }, 240_000);
});
