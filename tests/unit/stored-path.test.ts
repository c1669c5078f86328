import { describe, expect, test } from 'vitest';
import { besidePath, mayBeParts, orgPath, partOf, partPath, partsFolder, storedParts, storedPath, storedPaths } from '../../src/history/stored-path.js';
import { hundredsLayout } from '../helpers/hundreds-layout.js';
import { thousandsLayout } from '../helpers/thousands-layout.js';
import { seededRandom } from '../helpers/seeded-random.js';

/**
 * What is wrong with keeping `paths` in the history: an org path not read back as itself, two kept at
 * one stored path; then what `earlier` finds of each in an earlier layout.
 */
function keptApart(paths: readonly string[], earlier: (path: string, wrong: string[]) => void): string[] {
  const stored = new Map<string, string>();
  const wrong: string[] = [];
  for (const path of paths) {
    const kept = storedPath(path);
    // Each org path at a stored path of its own, read back as itself.
    if (orgPath(kept) !== path) wrong.push(`${kept} read as ${orgPath(kept)}`);
    if (stored.has(kept)) wrong.push(`${path} and ${stored.get(kept) as string} both kept at ${kept}`);
    stored.set(kept, path);
    earlier(path, wrong);
  }
  return wrong;
}

/** Each org path is kept at its stored path, and read back from it exactly. */
function expectStoredAt(cases: ReadonlyArray<readonly [string, string]>): void {
  for (const [path, stored] of cases) {
    expect(storedPath(path), path).toBe(stored);
    expect(orgPath(stored), stored).toBe(path);
  }
}

/** Every path of up to `depth` folders from `folders`, then one of `names`. */
function pathsOf(folders: readonly string[], names: readonly string[], depth: number): string[] {
  let prefixes = [''];
  const paths: string[] = [];
  for (let level = 0; level <= depth; level += 1) {
    for (const prefix of prefixes) for (const name of names) paths.push(`${prefix}${name}`);
    prefixes = prefixes.flatMap((prefix) => folders.map((folder) => `${prefix}${folder}/`));
  }
  return paths;
}

const number = (value: number): string => String(value).padStart(6, '0');

describe('where the history keeps a file of the org', () => {
  test('a file named for a turn goes under the folder of numbers, into the folders of its hundred and its ten (from 001000 of its thousand too), then at its place in the org; anything else stays where the org has it; each comes back to its place', () => {
    const cases: Array<[string, string]> = [
      ['agents/manager/outbox/000123-001-planner.md', '~n/0001xx/00012x/agents/manager/outbox/000123-001-planner.md'],
      ['agents/manager/outbox/000099-002-hr.md', '~n/0000xx/00009x/agents/manager/outbox/000099-002-hr.md'],
      ['agents/manager/outbox/000999-001-hr.md', '~n/0009xx/00099x/agents/manager/outbox/000999-001-hr.md'],
      // From 001000 on, in a folder of its thousand as well.
      ['agents/manager/outbox/001000-001-hr.md', '~n/001xxx/0010xx/00100x/agents/manager/outbox/001000-001-hr.md'],
      ['agents/manager/outbox/001012-001-planner.md', '~n/001xxx/0010xx/00101x/agents/manager/outbox/001012-001-planner.md'],
      ['agents/manager/logs/traces/123456.json', '~n/123xxx/1234xx/12345x/agents/manager/logs/traces/123456.json'],
      ['agents/manager/outbox/999999', '~n/999xxx/9999xx/99999x/agents/manager/outbox/999999'],
      ['agents/manager/logs/activity/000012.jsonl', '~n/0000xx/00001x/agents/manager/logs/activity/000012.jsonl'],
      ['agents/manager/logs/traces/000002.json', '~n/0000xx/00000x/agents/manager/logs/traces/000002.json'],
      ['agents/.retired/hr-000004-1/outbox/000003-001-manager.md', '~n/0000xx/00000x/agents/.retired/hr-000004-1/outbox/000003-001-manager.md'],
      // A person's file named like a message goes with them: the way back is the same.
      ['agents/manager/outbox/000001-note.md', '~n/0000xx/00000x/agents/manager/outbox/000001-note.md'],
      ['agents/manager/outbox/000007', '~n/0000xx/00000x/agents/manager/outbox/000007'],
      // Not six digits then `-` or `.`: where the org has it.
      ['agents/manager/resume.md', 'agents/manager/resume.md'],
      ['agents/manager/outbox/note.md', 'agents/manager/outbox/note.md'],
      ['org/state/engine/000000012.json', 'org/state/engine/000000012.json'],
      ['workspace/12345-notes.md', 'workspace/12345-notes.md'],
      ['workspace/1234567.md', 'workspace/1234567.md'],
      // A folder of the org's own named like a folder of a hundred keeps a `~` more in the history.
      ['workspace/0001xx/plan.md', 'workspace/0001xx~/plan.md'],
      ['workspace/0001xx/000123-plan.md', '~n/0001xx/00012x/workspace/0001xx~/000123-plan.md'],
      ['workspace/0001xx~/plan.md', 'workspace/0001xx~~/plan.md'],
      ['workspace/0001xxx/plan.md', 'workspace/0001xxx/plan.md'],
      ['workspace/00012x/plan.md', 'workspace/00012x~/plan.md'],
      // And like a folder of a thousand.
      ['workspace/001xxx/plan.md', 'workspace/001xxx~/plan.md'],
      ['workspace/001xxx/001012-plan.md', '~n/001xxx/0010xx/00101x/workspace/001xxx~/001012-plan.md'],
      ['workspace/001xxx~/plan.md', 'workspace/001xxx~~/plan.md'],
      ['workspace/000xxx/000123-plan.md', '~n/0001xx/00012x/workspace/000xxx~/000123-plan.md'],
      ['workspace/0001xxxx/plan.md', 'workspace/0001xxxx/plan.md'],
      // The org's own `~n` at its root keeps a `~` more; anywhere else it is an ordinary name.
      ['~n/plan.md', '~n~/plan.md'],
      ['~n/000123-plan.md', '~n/0001xx/00012x/~n~/000123-plan.md'],
      ['~n~/plan.md', '~n~~/plan.md'],
      ['~n', '~n~'],
      ['workspace/~n/plan.md', 'workspace/~n/plan.md'],
      ['000123-plan.md', '~n/0001xx/00012x/000123-plan.md'],
    ];
    expectStoredAt(cases);
  });

  test('a path an entry of an earlier layout kept where the org has it reads as that place', () => {
    for (const path of ['agents/manager/outbox/000123-001-planner.md', 'agents/manager/logs/activity/000012.jsonl', 'org/state/engine.json']) expect(orgPath(path)).toBe(path);
    // Folders named so that do not hold their own numbers (no entry writes one) are ordinary folders.
    expect(orgPath('agents/manager/outbox/0001xx/000223-001-hr.md')).toBe('agents/manager/outbox/0001xx/000223-001-hr.md');
    expect(orgPath('agents/manager/outbox/0002xx/00012x/000123-001-hr.md')).toBe('agents/manager/outbox/0002xx/00012x/000123-001-hr.md');
  });

  test('over every number below 002000, the first and last of each thousand, those either side of each power of ten and a seeded sample of the rest, each folder the history makes for numbers holds at most ten names, each one digit more of its own (the last the org\'s folder), the org folder ten, and the folder of numbers ten and one a thousand', () => {
    // Sampled, not all 1,000,000 (7 s of CPU in every run of the suite): every name a folder can hold
    // is its own digits and one more, which each sampled path shows, and its full count is seen below
    // 002000 and in the thousands taken whole.
    const random = seededRandom(82);
    const values = new Set<number>();
    for (let value = 0; value < 2000; value += 1) values.add(value);
    for (let thousand = 0; thousand < 1000; thousand += 1) for (const value of [thousand * 1000, thousand * 1000 + 999]) values.add(value);
    for (let power = 10; power <= 1_000_000; power *= 10) for (const value of [power - 1, power, power + 1]) if (value <= 999_999) values.add(value);
    for (const thousand of [123, 999]) for (let value = thousand * 1000; value < thousand * 1000 + 1000; value += 1) values.add(value);
    for (let draw = 0; draw < 20_000; draw += 1) values.add(random.int(0, 999_999));
    const names = new Map<string, Set<string>>();
    const over: string[] = [];
    const stray: string[] = [];
    for (const value of [...values].sort((a, b) => a - b)) {
      // Each name on the stored path, in the folder above it.
      const path = storedPath(`outbox/${number(value)}-001-a.md`);
      for (let end = path.length, slash = path.lastIndexOf('/'); slash > 0; end = slash, slash = path.lastIndexOf('/', slash - 1)) {
        const folder = path.slice(0, slash);
        const name = path.slice(slash + 1, end);
        let held = names.get(folder);
        if (held === undefined) names.set(folder, (held = new Set()));
        held.add(name);
        // A folder of a thousand, a hundred or ten holds names of its digits and one more: ten at most, whatever the number.
        const digits = /(?:^|\/)(\d+)x+$/.exec(folder)?.[1];
        if (digits !== undefined && !new RegExp(`^${digits}\\d`).test(name) && !(/\dx$/.test(folder) && name === 'outbox')) stray.push(`${folder}/${name}`);
      }
      // The folder of numbers' own names as the org reaches this number: the ten hundreds below 001000, then a thousand's folder each.
      const top = names.get('~n')?.size ?? 0;
      if (top > 10 + Math.floor(value / 1000)) over.push(`${value}: ${top}`);
    }
    expect(values.size).toBeGreaterThan(20_000);
    expect(over.slice(0, 5)).toEqual([]);
    expect(stray.slice(0, 5)).toEqual([]);
    expect(names.get('~n')).toEqual(new Set([...Array.from({ length: 10 }, (_, hundred) => `000${hundred}xx`), ...Array.from({ length: 999 }, (_, thousand) => `${String(thousand + 1).padStart(3, '0')}xxx`)]));
    expect([...names].filter(([folder, held]) => folder !== '~n' && held.size > 10).map(([folder, held]) => `${folder}: ${held.size}`)).toEqual([]);
    // The thousands taken whole fill their folders: ten of a hundred, each with ten of ten, each with the outbox, holding ten names.
    const whole = [...names].filter(([folder]) => folder.startsWith('~n/123xxx') || folder.startsWith('~n/999xxx'));
    const sizes = (kind: RegExp): number[] => whole.filter(([folder]) => kind.test(folder)).map(([, held]) => held.size);
    expect(sizes(/\dxx+$/)).toEqual(Array.from({ length: 2 * 11 }, () => 10));
    expect(sizes(/\d{5}x$/)).toEqual(Array.from({ length: 2 * 100 }, () => 1));
    expect(sizes(/\/outbox$/)).toEqual(Array.from({ length: 2 * 100 }, () => 10));
    expect(whole.length).toBe(2 * 211);
  });

  test("an entry's trees hold no more names late in a long run than early: at 20 and at 200 busy agents, what the entry of turn 990 rewrites holds at most twenty names more than that of turn 30, however many agents", () => {
    // Every agent sends a message a turn; an entry writes again each folder on the stored path of each new file, whole: the names they hold are what git hashes and deflates.
    const rewritten = (agents: number, turn: number, layout: (path: string) => string): number => {
      const held = new Map<string, Set<string>>();
      const touched = new Set<string>();
      for (let sent = 1; sent <= turn; sent += 1) {
        for (let agent = 0; agent < agents; agent += 1) {
          const stored = layout(`agents/a${agent}/outbox/${number(sent)}-001-a${(agent + 1) % agents}.md`);
          for (let slash = stored.lastIndexOf('/'), end = stored.length; slash > 0; end = slash, slash = stored.lastIndexOf('/', slash - 1)) {
            const folder = stored.slice(0, slash);
            if (!held.has(folder)) held.set(folder, new Set());
            held.get(folder)?.add(stored.slice(slash + 1, end));
            if (sent === turn) touched.add(folder);
          }
        }
      }
      return [...touched].reduce((names, folder) => names + (held.get(folder)?.size ?? 0), 0);
    };
    for (const agents of [20, 200]) {
      const early = rewritten(agents, 30, storedPath);
      const late = rewritten(agents, 990, storedPath);
      expect(late - early, `${agents} agents: ${early} names at turn 30, ${late} at turn 990`).toBeLessThanOrEqual(20);
    }
  });

  test('every numbered path is where the layout before the folder of numbers kept it, under that folder; each path of the four layouts reads back as its place in the org', () => {
    const wrong: string[] = [];
    // Every number to 002000, then one in 997 (a prime: each digit in each place) to 999999.
    for (let value = 0; value <= 999_999; value += value < 2000 ? 1 : 997) {
      const digits = number(value);
      const path = `agents/a/outbox/${digits}-001-b.md`;
      const stored = storedPath(path);
      const before = hundredsLayout(path);
      const beside = value < 1000 ? before : `agents/a/outbox/${digits.slice(0, 3)}xxx/${before.slice('agents/a/outbox/'.length)}`;
      const expected = `~n/${beside.slice('agents/a/outbox/'.length, -path.slice('agents/a/outbox/'.length).length)}${path}`;
      const where = storedPaths(path).join(' ');
      if (stored !== expected) wrong.push(`${path} kept at ${stored}`);
      if (besidePath(path) !== beside) wrong.push(`${path} kept beside at ${besidePath(path)}`);
      if (where !== (value < 1000 ? [stored, beside, path] : [stored, beside, before, path]).join(' ')) wrong.push(`${path} looked for at ${where}`);
      for (const kept of [stored, beside, before, path]) if (orgPath(kept) !== path) wrong.push(`${kept} read as ${orgPath(kept)}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  test("the org's own folders named like the history's are kept apart from them, in this layout exactly and in the earlier ones where those named them apart", () => {
    const folders = ['a', '0001xx', '0001xx~', '00012x', '00012x~~', '001xxx', '001xxx~', '0010xx', '00101x', '000xxx', '999xxx~~', '0001xxx', '01xxx'];
    const names = ['000123-001-b.md', '001012-001-b.md', '001000', '999999.jsonl', '000999-x.md', 'plan.md', '0012-x.md'];
    const paths = pathsOf(folders, names, 3);
    expect(paths.length).toBeGreaterThan(15_000);
    const thousandLike = /(^|\/)\d{3}xxx~*\//;
    const bucketLike = /(^|\/)(\d{3}xxx|\d{4}xx|\d{5}x)~*\//;
    const wrong = keptApart(paths, (path, wrong) => {
      // The layout before the folder of a thousand escaped no folder named like one: exact for the rest.
      if (!thousandLike.test(path) && orgPath(hundredsLayout(path)) !== path) wrong.push(`${hundredsLayout(path)} read as ${orgPath(hundredsLayout(path))}`);
      // The first layout escaped none: exact where no folder is named like the history's.
      if (!bucketLike.test(path) && orgPath(path) !== path) wrong.push(`${path} read as ${orgPath(path)}`);
    });
    expect(wrong.slice(0, 5)).toEqual([]);
    // What an earlier layout left alike reads as the layout of today would have kept it (stored-path.ts says which).
    expect(orgPath(hundredsLayout('outbox/001xxx/001012-x.md'))).toBe('outbox/001012-x.md');
    expect(orgPath(hundredsLayout('outbox/001xxx~/plan.md'))).toBe('outbox/001xxx/plan.md');
    expect(orgPath(hundredsLayout('outbox/001xxx/plan.md'))).toBe('outbox/001xxx/plan.md');
    expect(orgPath(hundredsLayout('outbox/000xxx/000123-x.md'))).toBe('outbox/000xxx/000123-x.md');
  });
});

/** A piece of a record named for where it starts (storage/record-pieces.ts): twelve digits or more. */
const piece = (start: number): string => `${String(start).padStart(12, '0')}.jsonl`;

describe("where the history keeps a record's pieces", () => {
  test('a piece goes into the folders of its offset\'s leading digits, two more a folder, down to a folder of a hundred; anything else as before; each comes back to its place', () => {
    const cases: Array<[string, string]> = [
      ['org/state/ledger/000000065536.jsonl', 'org/state/ledger/00xxxxxxxxxx/0000xxxxxxxx/000000xxxxxx/00000006xxxx/0000000655xx/000000065536.jsonl'],
      ['org/state/taken/000000000000.jsonl', 'org/state/taken/00xxxxxxxxxx/0000xxxxxxxx/000000xxxxxx/00000000xxxx/0000000000xx/000000000000.jsonl'],
      ['org/state/ledger/999999999999.jsonl', 'org/state/ledger/99xxxxxxxxxx/9999xxxxxxxx/999999xxxxxx/99999999xxxx/9999999999xx/999999999999.jsonl'],
      // A terabyte on: thirteen digits, the first alone in the record's folder.
      ['org/state/ledger/1234567890123.jsonl', 'org/state/ledger/1xxxxxxxxxxxx/123xxxxxxxxxx/12345xxxxxxxx/1234567xxxxxx/123456789xxxx/12345678901xx/1234567890123.jsonl'],
      // A person's file named like a piece goes with them: the way back is the same.
      ['workspace/202611271330.jsonl', 'workspace/20xxxxxxxxxx/2026xxxxxxxx/202611xxxxxx/20261127xxxx/2026112713xx/202611271330.jsonl'],
      // Not twelve digits and `.jsonl`: as before.
      ['org/state/ledger/00000006553.jsonl', 'org/state/ledger/00000006553.jsonl'],
      ['org/state/ledger/000000065536.json', 'org/state/ledger/000000065536.json'],
      ['org/state/ledger/000000065536-a.jsonl', 'org/state/ledger/000000065536-a.jsonl'],
      ['org/state/ledger.jsonl', 'org/state/ledger.jsonl'],
      // A folder of the org's own named like a piece's keeps a `~` more in the history.
      ['workspace/00xxxxxxxxxx/plan.md', 'workspace/00xxxxxxxxxx~/plan.md'],
      ['workspace/0000000655xx~/plan.md', 'workspace/0000000655xx~~/plan.md'],
      ['workspace/1xxxxxxxxxxxx/plan.md', 'workspace/1xxxxxxxxxxxx~/plan.md'],
      ['workspace/00xxxxxxxxxx/000000000001.jsonl', 'workspace/00xxxxxxxxxx~/00xxxxxxxxxx/0000xxxxxxxx/000000xxxxxx/00000000xxxx/0000000000xx/000000000001.jsonl'],
      ['workspace/0xxxxxxxxxx/plan.md', 'workspace/0xxxxxxxxxx/plan.md'],
      ['workspace/00xxxxxxxxx/plan.md', 'workspace/00xxxxxxxxx/plan.md'],
    ];
    expectStoredAt(cases);
  });

  test('over records of any size, in pieces of any size, no folder the history makes holds more than a hundred names (the record\'s own a hundred of each length)', () => {
    const starts: number[] = [];
    // Pieces of a byte (the smallest LEMMING_RECORD_PIECE_BYTES), at the start and where the digits turn over.
    for (const from of [0, 999_997_500, 1e12 - 2_500, 4_503_599_627_370_000]) for (let start = from; start < from + 5_000; start += 1) starts.push(start);
    // Pieces of 4 KB and of 64 KB: 3 GB of a record, and 1 GB of one past 5 TB.
    for (let start = 0; start < 1.2e8; start += 4096) starts.push(start);
    for (let start = 0; start < 3e9; start += 65_536) starts.push(start);
    for (let start = 5e12; start < 5e12 + 1e9; start += 65_537) starts.push(start);
    expect(starts.length).toBeGreaterThan(100_000);
    const names = new Map<string, Set<string>>();
    const wrong: string[] = [];
    for (const start of starts) {
      const path = `org/state/ledger/${piece(start)}`;
      const stored = storedPath(path);
      if (orgPath(stored) !== path) wrong.push(`${stored} read as ${orgPath(stored)}`);
      // Each name on the stored path below the record's folder, in the folder above it.
      for (let end = stored.length, slash = stored.lastIndexOf('/'); end > 'org/state/ledger'.length; end = slash, slash = stored.lastIndexOf('/', slash - 1)) {
        const folder = stored.slice(0, slash);
        let held = names.get(folder);
        if (held === undefined) names.set(folder, (held = new Set()));
        held.add(stored.slice(slash + 1, end));
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    const full = [...names].filter(([folder, held]) => folder !== 'org/state/ledger' && held.size > 100).map(([folder, held]) => `${folder}: ${held.size}`);
    expect(full).toEqual([]);
    // The record's own folder: at most a hundred names of each length (twelve digits to a terabyte, thirteen to ten).
    const top = [...(names.get('org/state/ledger') ?? [])];
    for (const length of new Set(top.map((name) => name.length))) expect(top.filter((name) => name.length === length).length).toBeLessThanOrEqual(100);
    // Every name in the folder of a piece's last folder's hundred is a piece: a hundred of a byte each.
    expect(names.get('org/state/ledger/00xxxxxxxxxx/0000xxxxxxxx/000000xxxxxx/00000000xxxx/0000000000xx')?.size).toBe(100);
    expect(names.get('org/state/ledger')).toEqual(new Set(['00xxxxxxxxxx', '99xxxxxxxxxx', '1xxxxxxxxxxxx', '5xxxxxxxxxxxx', '45xxxxxxxxxxxxxx']));
  });

  test("a piece is looked for where it is kept now, then where the org has it (every earlier layout kept it there), and each reads back as its place", () => {
    for (const start of [0, 65_536, 123_456_789_012, 1e13 + 7]) {
      const path = `org/state/taken/${piece(start)}`;
      expect(storedPaths(path)).toEqual([storedPath(path), path]);
      expect(thousandsLayout(path)).toBe(path);
      expect(orgPath(path)).toBe(path);
    }
    // A message's file as before: where it is kept now, then beside in the folders of its thousand, then of a hundred.
    const message = 'agents/a/outbox/001012-001-b.md';
    expect(storedPaths(message)).toEqual([storedPath(message), thousandsLayout(message), hundredsLayout(message), message]);
  });

  test("the org's own folders named like a piece's are kept apart from them, exactly; an entry of the layout before reads back exactly where no folder was named so", () => {
    const folders = ['a', 'ledger', '00xxxxxxxxxx', '00xxxxxxxxxx~', '0000000655xx', '1xxxxxxxxxxxx~~', '0xxxxxxxxxx', '0001xx', '001xxx~'];
    const names = ['000000065536.jsonl', '000000000001.jsonl', '1234567890123.jsonl', '00000006553.jsonl', '000123-x.md', '001012.jsonl', 'plan.md'];
    const paths = pathsOf(folders, names, 3);
    expect(paths.length).toBeGreaterThan(5_000);
    const pieceLike = /(^|\/)\d+x{2,}~*\//;
    const wrong = keptApart(paths, (path, wrong) => {
      const before = thousandsLayout(path);
      if (!(pieceLike.test(path) && path.split('/').some((part) => /^\d+x{2,}~*$/.test(part) && part.replace(/~+$/, '').length >= 12)) && orgPath(before) !== path) wrong.push(`${before} read as ${orgPath(before)}`);
    });
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});

describe("where the history keeps a record's own file as parts", () => {
  test("its parts go into a folder of its stored name with `~parts`, each named by its offset; each reads back as the file, in the order of its offsets; the org's own names like a parts folder are kept apart", () => {
    const cases: Array<[string, string]> = [
      ['org/state/ledger.jsonl', 'org/state/ledger.jsonl~parts'],
      ['agents/a/logs/activity.jsonl', 'agents/a/logs/activity.jsonl~parts'],
      // A piece moved from it keeps its parts, where the piece is kept (the folder of numbers, its offset's folders).
      ['agents/a/logs/activity/000012.jsonl', '~n/0000xx/00001x/agents/a/logs/activity/000012.jsonl~parts'],
      ['org/state/taken/000000065536.jsonl', 'org/state/taken/00xxxxxxxxxx/0000xxxxxxxx/000000xxxxxx/00000006xxxx/0000000655xx/000000065536.jsonl~parts'],
    ];
    for (const [path, folder] of cases) {
      expect(partsFolder(path)).toBe(folder);
      for (const offset of [0, 4096, 10 ** 12]) {
        const part = partPath(folder, offset);
        expect(partOf(part)).toEqual({ folder, offset });
        expect(orgPath(part)).toBe(path);
      }
    }
    expect(partPath('org/state/ledger.jsonl~parts', 61440)).toBe('org/state/ledger.jsonl~parts/000000061440');
    // Joined in the order of their offsets, not of their names (a thirteenth digit sorts before).
    const joined = storedParts(['org/state/ledger.jsonl~parts/1000000000000', 'org/state/ledger.jsonl~parts/000000000000', 'org/state/ledger.jsonl~parts/999999999999', 'org/state/engine.json']);
    expect(joined.get('org/state/ledger.jsonl')?.map((part) => part.offset)).toEqual([0, 999999999999, 10 ** 12]);
    expect(joined.get('org/state/engine.json')).toEqual([{ stored: 'org/state/engine.json', offset: 0 }]);
    // The org's own file or folder named like a parts folder: a `~` more, read back as itself, never a part.
    for (const path of ['org/state/ledger.jsonl~parts', 'org/state/ledger.jsonl~parts/000000000000', 'workspace/activity.jsonl~parts~/x.md', 'workspace/000123.jsonl~parts']) {
      const kept = storedPath(path);
      expect(kept, path).not.toBe(path);
      expect(orgPath(kept), path).toBe(path);
      expect(partOf(kept), path).toBeUndefined();
    }
    // Names that are no parts folder's are as before.
    for (const path of ['workspace/notes.jsonl~parts/000000000000', 'workspace/ledger.jsonl~partsx/000000000000']) {
      expect(storedPath(path)).toBe(path);
      expect(partOf(path)).toBeUndefined();
    }
  });

  test('a file is looked for as parts only where its name may be kept so: a record\'s own file or a piece, never a message', () => {
    for (const path of ['org/state/ledger.jsonl', 'org/state/taken.jsonl', 'agents/a/logs/activity.jsonl', 'org/state/ledger/000000065536.jsonl', 'agents/a/logs/activity/000123.jsonl']) expect(mayBeParts(path), path).toBe(true);
    for (const path of ['agents/a/outbox/000123-001-b.md', 'agents/a/resume.md', 'org/state/engine.json', 'agents/a/workspace/notes.jsonl']) expect(mayBeParts(path), path).toBe(false);
  });
});
