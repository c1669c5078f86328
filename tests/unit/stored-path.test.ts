import { describe, expect, test } from 'vitest';
import { orgPath, storedPath, storedPaths } from '../../src/history/stored-path.js';
import { hundredsLayout } from '../helpers/hundreds-layout.js';
import { seededRandom } from '../helpers/seeded-random.js';

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
  test('a file named for a turn goes into the folders of its hundred and its ten beside it (from 001000 of its thousand too); anything else stays where the org has it; each comes back to its place', () => {
    const cases: Array<[string, string]> = [
      ['agents/manager/outbox/000123-001-planner.md', 'agents/manager/outbox/0001xx/00012x/000123-001-planner.md'],
      ['agents/manager/outbox/000099-002-hr.md', 'agents/manager/outbox/0000xx/00009x/000099-002-hr.md'],
      ['agents/manager/outbox/000999-001-hr.md', 'agents/manager/outbox/0009xx/00099x/000999-001-hr.md'],
      // From 001000 on, in a folder of its thousand as well.
      ['agents/manager/outbox/001000-001-hr.md', 'agents/manager/outbox/001xxx/0010xx/00100x/001000-001-hr.md'],
      ['agents/manager/outbox/001012-001-planner.md', 'agents/manager/outbox/001xxx/0010xx/00101x/001012-001-planner.md'],
      ['agents/manager/logs/traces/123456.json', 'agents/manager/logs/traces/123xxx/1234xx/12345x/123456.json'],
      ['agents/manager/outbox/999999', 'agents/manager/outbox/999xxx/9999xx/99999x/999999'],
      ['agents/manager/logs/activity/000012.jsonl', 'agents/manager/logs/activity/0000xx/00001x/000012.jsonl'],
      ['agents/manager/logs/traces/000002.json', 'agents/manager/logs/traces/0000xx/00000x/000002.json'],
      ['agents/.retired/hr-000004-1/outbox/000003-001-manager.md', 'agents/.retired/hr-000004-1/outbox/0000xx/00000x/000003-001-manager.md'],
      // A person's file named like a message goes with them: the way back is the same.
      ['agents/manager/outbox/000001-note.md', 'agents/manager/outbox/0000xx/00000x/000001-note.md'],
      ['agents/manager/outbox/000007', 'agents/manager/outbox/0000xx/00000x/000007'],
      // Not six digits then `-` or `.`: where the org has it.
      ['agents/manager/resume.md', 'agents/manager/resume.md'],
      ['agents/manager/outbox/note.md', 'agents/manager/outbox/note.md'],
      ['org/state/engine/000000012.json', 'org/state/engine/000000012.json'],
      ['org/state/ledger/000000065536.jsonl', 'org/state/ledger/000000065536.jsonl'],
      ['workspace/12345-notes.md', 'workspace/12345-notes.md'],
      ['workspace/1234567.md', 'workspace/1234567.md'],
      // A folder of the org's own named like a folder of a hundred keeps a `~` more in the history.
      ['workspace/0001xx/plan.md', 'workspace/0001xx~/plan.md'],
      ['workspace/0001xx/000123-plan.md', 'workspace/0001xx~/0001xx/00012x/000123-plan.md'],
      ['workspace/0001xx~/plan.md', 'workspace/0001xx~~/plan.md'],
      ['workspace/0001xxx/plan.md', 'workspace/0001xxx/plan.md'],
      ['workspace/00012x/plan.md', 'workspace/00012x~/plan.md'],
      // And like a folder of a thousand.
      ['workspace/001xxx/plan.md', 'workspace/001xxx~/plan.md'],
      ['workspace/001xxx/001012-plan.md', 'workspace/001xxx~/001xxx/0010xx/00101x/001012-plan.md'],
      ['workspace/001xxx~/plan.md', 'workspace/001xxx~~/plan.md'],
      ['workspace/000xxx/000123-plan.md', 'workspace/000xxx~/0001xx/00012x/000123-plan.md'],
      ['workspace/0001xxxx/plan.md', 'workspace/0001xxxx/plan.md'],
    ];
    for (const [path, stored] of cases) {
      expect(storedPath(path), path).toBe(stored);
      expect(orgPath(stored), stored).toBe(path);
    }
  });

  test('a path an entry of an earlier layout kept where the org has it reads as that place', () => {
    for (const path of ['agents/manager/outbox/000123-001-planner.md', 'agents/manager/logs/activity/000012.jsonl', 'org/state/engine.json']) expect(orgPath(path)).toBe(path);
    // Folders named so that do not hold their own numbers (no entry writes one) are ordinary folders.
    expect(orgPath('agents/manager/outbox/0001xx/000223-001-hr.md')).toBe('agents/manager/outbox/0001xx/000223-001-hr.md');
    expect(orgPath('agents/manager/outbox/0002xx/00012x/000123-001-hr.md')).toBe('agents/manager/outbox/0002xx/00012x/000123-001-hr.md');
  });

  test('over every number below 002000, the first and last of each thousand, those either side of each power of ten and a seeded sample of the rest, each folder the history makes for an org folder holds at most ten names, each one digit more of its own, and the org folder ten and one a thousand', () => {
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
        if (digits !== undefined && !new RegExp(`^${digits}\\d`).test(name)) stray.push(`${folder}/${name}`);
      }
      // The outbox's own names as the org reaches this number: the ten hundreds below 001000, then a thousand's folder each.
      const top = names.get('outbox')?.size ?? 0;
      if (top > 10 + Math.floor(value / 1000)) over.push(`${value}: ${top}`);
    }
    expect(values.size).toBeGreaterThan(20_000);
    expect(over.slice(0, 5)).toEqual([]);
    expect(stray.slice(0, 5)).toEqual([]);
    expect(names.get('outbox')).toEqual(new Set([...Array.from({ length: 10 }, (_, hundred) => `000${hundred}xx`), ...Array.from({ length: 999 }, (_, thousand) => `${String(thousand + 1).padStart(3, '0')}xxx`)]));
    expect([...names].filter(([folder, held]) => folder !== 'outbox' && held.size > 10).map(([folder, held]) => `${folder}: ${held.size}`)).toEqual([]);
    // The thousands taken whole fill their folders: ten of a hundred, each with ten of ten, each with ten names.
    expect([...names].filter(([folder]) => folder.startsWith('outbox/123xxx') || folder.startsWith('outbox/999xxx')).map(([, held]) => held.size)).toEqual(Array.from({ length: 2 * 111 }, () => 10));
  });

  test('below 001000 every path is where the layout before the folder of a thousand kept it; each path of the three layouts reads back as its place in the org', () => {
    const wrong: string[] = [];
    // Every number to 002000, then one in 997 (a prime: each digit in each place) to 999999.
    for (let value = 0; value <= 999_999; value += value < 2000 ? 1 : 997) {
      const digits = number(value);
      const path = `agents/a/outbox/${digits}-001-b.md`;
      const stored = storedPath(path);
      const before = hundredsLayout(path);
      const expected = value < 1000 ? before : `agents/a/outbox/${digits.slice(0, 3)}xxx/${before.slice('agents/a/outbox/'.length)}`;
      const where = storedPaths(path).join(' ');
      if (stored !== expected) wrong.push(`${path} kept at ${stored}`);
      if (where !== (value < 1000 ? [stored, path] : [stored, before, path]).join(' ')) wrong.push(`${path} looked for at ${where}`);
      for (const kept of [stored, before, path]) if (orgPath(kept) !== path) wrong.push(`${kept} read as ${orgPath(kept)}`);
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
    const stored = new Map<string, string>();
    const wrong: string[] = [];
    for (const path of paths) {
      const kept = storedPath(path);
      // Each org path at a stored path of its own, read back as itself.
      if (orgPath(kept) !== path) wrong.push(`${kept} read as ${orgPath(kept)}`);
      if (stored.has(kept)) wrong.push(`${path} and ${stored.get(kept) as string} both kept at ${kept}`);
      stored.set(kept, path);
      // The layout before the folder of a thousand escaped no folder named like one: exact for the rest.
      if (!thousandLike.test(path) && orgPath(hundredsLayout(path)) !== path) wrong.push(`${hundredsLayout(path)} read as ${orgPath(hundredsLayout(path))}`);
      // The first layout escaped none: exact where no folder is named like the history's.
      if (!bucketLike.test(path) && orgPath(path) !== path) wrong.push(`${path} read as ${orgPath(path)}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // What an earlier layout left alike reads as the layout of today would have kept it (stored-path.ts says which).
    expect(orgPath(hundredsLayout('outbox/001xxx/001012-x.md'))).toBe('outbox/001012-x.md');
    expect(orgPath(hundredsLayout('outbox/001xxx~/plan.md'))).toBe('outbox/001xxx/plan.md');
    expect(orgPath(hundredsLayout('outbox/001xxx/plan.md'))).toBe('outbox/001xxx/plan.md');
    expect(orgPath(hundredsLayout('outbox/000xxx/000123-x.md'))).toBe('outbox/000xxx/000123-x.md');
  });
});
