import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { approve, bootstrap, diff, fork, inbox, openOrg, readExperimentReport, reject, runExperiment, send, type EngineEvent } from '../../src/library/index.js';
import { LemmingError } from '../../src/errors.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';
import { setKeepHistory, tempDir } from '../helpers/temp-org.js';

/*
 * The library called as a newcomer, or a hostile caller, calls it: roots relative to the current
 * folder (as docs/api.md's examples give them), and names with `..` or absolute paths where a name
 * goes. A relative root means what it means to the CLI's `--root`: the folder it names from the
 * current folder. A name is held to the same rule as the CLI holds it, and nothing is written outside.
 */

/**
 * A fresh folder named relative to this process's current folder, as `'my-org'` would be: under the
 * current folder (the repository's gitignored test-artifacts/), so that the name means nothing from
 * any other folder (`../../tmp/…` would mean the same from `/`, where bwrap starts).
 */
function relativeFolder(): { relative: string; absolute: string } {
  const parent = join(process.cwd(), 'test-artifacts', 'relative-roots');
  mkdirSync(parent, { recursive: true });
  const absolute = join(tempDir('lemming-relative-', parent), 'my-org');
  const named = relative(process.cwd(), absolute);
  expect(named.startsWith('..')).toBe(false);
  return { relative: named, absolute };
}

/** Every file under a folder, relative to it. */
function filesUnder(folder: string): string[] {
  return existsSync(folder) ? readdirSync(folder, { recursive: true, encoding: 'utf8' }).sort() : [];
}

/** The LemmingError a call throws (the test fails when it throws nothing, or something else). */
async function refusal(call: () => unknown): Promise<LemmingError> {
  const thrown = await Promise.resolve()
    .then(call)
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  expect(thrown).toBeInstanceOf(LemmingError);
  return thrown as LemmingError;
}

/** Run an opened org until idle; its events. */
async function runAll(root: string, maxTurns = 8): Promise<EngineEvent[]> {
  const org = openOrg(root);
  const events: EngineEvent[] = [];
  try {
    for await (const event of org.run({ maxTurns })) events.push(event);
  } finally {
    await org.close();
  }
  return events;
}

describe('a relative root is taken from the current folder, as the CLI takes --root', () => {
  test('openOrg gives the absolute root, and the engine, its events and its org all name it', async () => {
    const { relative: root, absolute } = relativeFolder();
    expect(isAbsolute(root)).toBe(false);
    bootstrap(root);
    expect(existsSync(join(absolute, 'org', 'org.yaml'))).toBe(true);
    const org = openOrg(root);
    try {
      expect(org.root).toBe(absolute);
      expect(org.org.root).toBe(absolute);
      const events: EngineEvent[] = [];
      for await (const event of org.run({ maxTurns: 1 })) events.push(event);
      expect(events.find((event) => event.type === 'run-started')).toMatchObject({ root: absolute });
    } finally {
      await org.close();
    }
    expect(inbox(root).messages).toEqual(inbox(absolute).messages);
  });

  test.skipIf(SANDBOX_PROBLEM !== undefined)('a sandboxed command run by an org opened with a relative root runs (bwrap is given absolute paths)', async () => {
    const { relative: root, absolute } = relativeFolder();
    bootstrap(root);
    send(root, { to: 'manager', subject: 'Release notes', body: 'Write the release notes for 1.2' });
    const events = await runAll(root);
    const commands = events.flatMap((event) => (event.type === 'agent-step' ? event.tools.filter((tool) => tool.name === 'run_command') : []));
    expect(commands.length).toBeGreaterThan(0);
    expect(filesUnder(join(absolute, 'agents/coder_01/workspace'))).toContain('work/tests/test_release_notes.py');
    const report = readdirSync(join(absolute, 'agents/coder_01/outbox')).map((name) => readFileSync(join(absolute, 'agents/coder_01/outbox', name), 'utf8')).join('\n');
    expect(report).toMatch(/test\(s\) pass \(exit code 0\)/);
    expect(report).not.toContain('they fail');
    expect(report).not.toContain("Can't find source path");
  });

  test('send, approve and reject, fork and diff take a relative root the same way', async () => {
    const { relative: root, absolute } = relativeFolder();
    bootstrap(root);
    setKeepHistory(absolute, true);
    const sent = send(root, { to: 'manager', body: 'Plan the first release' });
    expect(existsSync(join(absolute, sent.file))).toBe(true);
    await runAll(root, 2);
    const { relative: forked, absolute: forkedAbsolute } = relativeFolder();
    const { origin } = await fork(root, 1, forked);
    expect(origin.from).toBe(absolute);
    expect(existsSync(join(forkedAbsolute, 'org', 'org.yaml'))).toBe(true);
    expect(diff(root, forked).equal).toBe(diff(absolute, forkedAbsolute).equal);
    await expect(approve(root, '000001-hr-001')).rejects.toThrow(/there is no proposal 000001-hr-001/);
    await expect(reject(root, '000001-hr-001')).rejects.toThrow(/there is no proposal 000001-hr-001/);
  });
});

describe('names with `..` or absolute paths are refused by the rule the CLI uses, writing nothing', () => {
  test('send: a recipient or a sender that is a path is refused', async () => {
    const outside = tempDir();
    const root = join(tempDir(), 'org');
    bootstrap(root);
    for (const to of ['../../planted', `${outside}/planted`, 'manager/../../x']) {
      const error = await refusal(() => send(root, { to, body: 'hello' }));
      expect(error.message).toMatch(/is not an agent name; names are like "manager" or "coder_01"/);
    }
    for (const from of ['../human', `${outside}/human`, 'human/../../x']) {
      const error = await refusal(() => send(root, { from, to: 'manager', body: 'hello' }));
      expect(error.message).toMatch(/there is no agent named "/);
    }
    expect(filesUnder(outside)).toEqual([]);
    expect(filesUnder(join(root, 'agents', 'human', 'outbox'))).toEqual([]);
  });

  test('send: a priority outside the four, or a body or subject that is not text, is refused, writing nothing', async () => {
    // A JavaScript caller's values, which the types do not hold: before, priority "mega" was written into the file and
    // send returned as if sent, and the engine then skipped the file (validate: "an invalid front matter field priority").
    const root = join(tempDir(), 'org');
    bootstrap(root);
    const wrong = (fields: Record<string, unknown>) => refusal(() => send(root, { to: 'manager', body: 'hello', ...fields } as Parameters<typeof send>[1]));
    expect((await wrong({ priority: 'mega' })).message).toBe('not sent: priority "mega" is not one of low, normal, high, urgent; for example `priority: "high"`');
    expect((await wrong({ priority: null })).message).toMatch(/^not sent: priority null is not one of low, normal, high, urgent/);
    expect((await wrong({ body: 42 })).message).toBe('not sent: body is a number, not text; for example `body: "Please plan the release"`');
    expect((await wrong({ subject: { text: 'x' } })).message).toBe('not sent: subject is an object, not text; for example `subject: "Release notes"`');
    expect(filesUnder(join(root, 'agents', 'human', 'outbox'))).toEqual([]);
    expect(send(root, { to: 'manager', body: 'hello', priority: 'urgent' }).message.priority).toBe('urgent');
  });

  test('run: a maxTurns or untilTurn that is not a whole number of 1 or more is refused, naming it, and no turn runs', async () => {
    // Before, maxTurns -1 or NaN ran no turn and ended as "turn-cap", unsaid; 1.5 ran two turns, and "3" three.
    const root = join(tempDir(), 'org');
    bootstrap(root);
    send(root, { to: 'manager', body: 'Plan the first release' });
    const org = openOrg(root);
    try {
      for (const [field, value] of [['maxTurns', -1], ['maxTurns', Number.NaN], ['maxTurns', 0], ['maxTurns', 1.5], ['maxTurns', '3'], ['maxTurns', Number.POSITIVE_INFINITY], ['untilTurn', 0], ['untilTurn', Number.POSITIVE_INFINITY]] as const) {
        const error = await refusal(async () => {
          for await (const event of org.run({ [field]: value } as Parameters<typeof org.run>[0])) void event;
        });
        expect(error.message).toBe(`run: ${field} is ${typeof value === 'string' ? JSON.stringify(value) : String(value)}; it must be a whole number of 1 or more, for example { ${field}: 5 }`);
      }
      expect(filesUnder(join(root, 'agents', 'manager', 'outbox'))).toEqual([]);
      const events: EngineEvent[] = [];
      for await (const event of org.run({ maxTurns: 1 })) events.push(event);
      expect(events.filter((event) => event.type === 'turn-finished')).toHaveLength(1);
    } finally {
      await org.close();
    }
  });

  test('openOrg: an otlp that is no http(s) URL, or a cassette that is no path, is refused naming it, before the lock is taken', async () => {
    // Before, otlp 'file:///etc/passwd' ran every turn with no telemetry and no word, and otlp 42 or a cassette of 42 failed on a TypeError.
    const root = join(tempDir(), 'org');
    bootstrap(root);
    for (const otlp of ['file:///etc/passwd', 'localhost:4318', 42]) {
      const error = await refusal(() => openOrg(root, { otlp } as Parameters<typeof openOrg>[1]));
      expect(error.message).toBe(`openOrg: otlp is ${typeof otlp === 'string' ? JSON.stringify(otlp) : String(otlp)}; it must be an http:// or https:// URL of an OTLP/HTTP endpoint, for example http://localhost:4318 ({ otlp: 'http://localhost:4318' })`);
    }
    const error = await refusal(() => openOrg(root, { cassette: { record: 42 } } as unknown as Parameters<typeof openOrg>[1]));
    expect(error.message).toBe("openOrg: cassette.record is 42; it must be the path of a cassette file, for example { cassette: { record: 'calls.jsonl' } }");
    // Nothing was left holding the org: it opens.
    const org = openOrg(root);
    await org.close();
  });

  test('approve and reject: an id that is a path is refused, naming what an id looks like', async () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'planted.md'), '---\nid: x\n---\n');
    const root = join(tempDir(), 'org');
    bootstrap(root);
    for (const id of [`../../${relative(join(root, 'org', 'proposals'), join(outside, 'planted'))}`, join(outside, 'planted'), '000001-hr-001/../../../x']) {
      for (const decide of [() => approve(root, id), () => reject(root, id, 'no')]) {
        const error = await refusal(decide);
        expect(error.message).toContain('is not a proposal id; ids look like 000012-hr-001');
      }
    }
    expect(filesUnder(outside)).toEqual(['planted.md']);
  });

  test("bootstrap: a template that is no built-in name and no org folder is refused, and the root is left as it was", async () => {
    const root = join(tempDir(), 'org');
    for (const template of ['../../../nowhere', 'startup/../../../etc', '/etc', 'software-team/..']) {
      const error = await refusal(() => bootstrap(root, { template }));
      expect(error.message).toMatch(/--template .*: there is no folder|is missing: .* is not an org folder/);
    }
    expect(filesUnder(root)).toEqual([]);
  });

  test('runExperiment: an experiment or variant name that is a path is refused before any run, writing nothing', async () => {
    const root = join(tempDir(), 'org');
    bootstrap(root);
    const before = filesUnder(root);
    const folder = tempDir();
    for (const [name, variant, field] of [
      ['../../planted', 'baseline', 'name'],
      ['/tmp/planted', 'baseline', 'name'],
      ['study', '../../planted', 'variants.0.name'],
    ] as const) {
      const file = join(folder, 'study.yaml');
      writeFileSync(file, [`name: ${JSON.stringify(name)}`, 'turns: 1', 'messages:', '  - { to: manager, body: Plan. }', 'variants:', `  - name: ${JSON.stringify(variant)}`, ''].join('\n'));
      const error = await refusal(() => runExperiment({ file, root }));
      expect(error.message).toContain(`study.yaml:${field === 'name' ? 1 : 6}: ${field}:`);
      expect(error.message).toMatch(/lowercase letters, digits, "_" or "-", for example "tight-budget"/);
    }
    expect(filesUnder(root)).toEqual(before);
    expect(filesUnder(folder)).toEqual(['study.yaml']);
  });

  test('readExperimentReport: a relative folder is taken from the current folder; a folder with no report says so', async () => {
    const { relative: folder, absolute } = relativeFolder();
    const error = await refusal(() => readExperimentReport(folder));
    expect(error.message).toContain(`${join(absolute, 'report.json')}: no experiment report here`);
  });
});
