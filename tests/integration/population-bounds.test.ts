import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { besidesProgress } from '../helpers/progress-lines.js';

/*
 * What `lemming populate` writes is bounded before a byte is written (issue 60, finding 5): the
 * filled persona and the enrichment prompt at spec-check time, the chart and each resume against
 * the loader's own limits, a value the loader refuses (a NUL) refused with its field; `--dry-run`
 * says the files, bytes and calls; and a write that fails leaves the folder as it was.
 */

const VALUE = 'v'.repeat(64);

function spec(lines: string): string {
  const file = join(tempDir(), 'people.yaml');
  writeFileSync(file, lines);
  return file;
}

/** Every file under `root`, relative, with its size. */
function filesUnder(root: string): Map<string, number> {
  const found = new Map<string, number>();
  if (!existsSync(root)) return found;
  for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    const path = join(root, entry);
    if (statSync(path).isFile()) found.set(relative(root, path), statSync(path).size);
  }
  return found;
}

/** The entries beside `root` in its parent: a staging folder left behind would show here. */
function besides(root: string): string[] {
  return readdirSync(dirname(root)).sort();
}

describe('populate writes within bounds', () => {
  test('a persona of 6,600 placeholders, each filled with 64 characters, is refused at spec-check time with the field and the bound; nothing is written', () => {
    const file = spec(`name: panel\nsize: 5\nattributes:\n  a: { shares: { ${VALUE}: 1 } }\nroles:\n  member: { title: Analyst, model: offline, credits: 0.1 }\npersona: "${'{a}'.repeat(6_600)}"\n`);
    const root = join(tempDir(), 'org');
    for (const args of [['--dry-run'], []]) {
      const run = lemming(root, ['populate', file, ...args]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`${file}:7: persona: filled in, it is up to 422,400 characters ({a} named 6,600 time(s), filled with up to 64 characters each); the persona is at most 20,000 characters filled in`);
      expect(run.stderr).toContain('a valid value looks like');
    }
    expect(existsSync(root)).toBe(false);
  });

  test('attributes that make an --enrich prompt of tens of thousands of tokens are refused at spec-check time', () => {
    const attributes = Array.from({ length: 400 }, (_, index) => `  a${index}: { shares: { ${VALUE}: 1 } }`).join('\n');
    const file = spec(`name: panel\nsize: 5\nattributes:\n${attributes}\nroles:\n  member: { title: Analyst, model: offline, credits: 0.1 }\n`);
    const root = join(tempDir(), 'org');
    const run = lemming(root, ['populate', file, '--dry-run', '--enrich', 'offline']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/people\.yaml:4: attributes: 400 attribute\(s\): a person's attributes make an --enrich prompt of up to [\d,]+ tokens; at most 4,000/);
    expect(existsSync(root)).toBe(false);
  });

  test('team_size 1000 with peers is refused before a byte is written: the chart would pass the loader\'s 32 MiB; the error says what fits', () => {
    const file = spec('name: panel\nsize: 2000\nstructure: { team_size: 1000, peers: true }\nroles:\n  lead: { title: Lead, model: offline, credits: 0.1 }\n  member: { title: Analyst, model: offline, credits: 0.1 }\n');
    const root = join(tempDir(), 'org');
    const before = besides(root);
    for (const args of [['--dry-run'], []]) {
      const run = lemming(root, ['populate', file, ...args]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`${file}: structure.team_size`);
      expect(run.stderr).toMatch(/org\/chart\.yaml would be [\d,]+ bytes \(teams of up to 1,000 whose members, with peers: true, each list the whole team\); lemming reads at most 33,554,432 bytes of it/);
      expect(run.stderr).toMatch(/team_size: \d+ fits, or peers: false/);
    }
    expect(existsSync(root)).toBe(false);
    expect(besides(root)).toEqual(before);
  });

  test('a NUL in a value or a template is refused at spec-check time, --dry-run included, with its field', () => {
    const cases: Array<[string, string]> = [
      ['attributes:\n  department: { shares: { "sa\\0les": 1 } }\nroles:\n  member: { title: Analyst, model: offline, credits: 0.1 }\npersona: "In {department}."\n', ':4: attributes.department.shares: the value "sa\\u0000les" holds a NUL character, which no file lemming reads may hold'],
      ['roles:\n  member: { title: "Analyst\\0", model: offline, credits: 0.1 }\n', ':4: roles.member.title: holds a NUL character, which no file lemming reads may hold'],
      ['roles:\n  member: { title: Analyst, model: offline, credits: 0.1 }\npersona: "You are {name}.\\0"\n', ':5: persona: holds a NUL character'],
    ];
    for (const [lines, said] of cases) {
      const file = spec(`name: panel\nsize: 5\n${lines}`);
      const root = join(tempDir(), 'org');
      for (const args of [['--dry-run'], []]) {
        const run = lemming(root, ['populate', file, ...args]);
        expect(run.status).toBe(2);
        expect(run.stderr).toContain(`${file}${said}`);
      }
      expect(existsSync(root)).toBe(false);
    }
  });

  test('a resume the loader would refuse (a head\'s title of `{team}` filled in empty) is refused by --dry-run and the run alike, in the loader\'s words, before anything is written', () => {
    const file = spec('name: panel\nsize: 6\nattributes:\n  department: { shares: { a: 0.5, b: 0.5 } }\nstructure: { departments: department, team_size: 2 }\nroles:\n  head: { title: "{team}", model: offline, credits: 1 }\n  lead: { title: Lead, model: offline, credits: 1 }\n  member: { title: Analyst, model: offline, credits: 0.1 }\n');
    const root = join(tempDir(), 'org');
    const before = besides(root);
    for (const args of [['--dry-run'], []]) {
      const run = lemming(root, ['populate', file, ...args]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`${file}: the org made from it would not load: agents/agent_00001/resume.md would be refused: agents/agent_00001/resume.md:2: title: Too small`);
    }
    expect(besides(root)).toEqual(before);
  });

  test('--dry-run says the files, bytes and calls; the run then writes just those', () => {
    const file = spec('name: panel\nseed: 3\nsize: 40\nattributes:\n  department: { shares: { sales: 0.5, support: 0.5 } }\nstructure: { departments: department, team_size: 4 }\nroles:\n  head: { title: "Head of {department}", model: offline, credits: 1 }\n  lead: { title: Lead, model: offline, credits: 0.5 }\n  member: { title: Analyst, model: offline, credits: 0.1 }\npersona: "You are {name} of {department}."\n');
    const root = join(tempDir(), 'org');
    const dry = lemming(root, ['populate', file, '--dry-run', '--enrich', 'offline']);
    expect(besidesProgress(dry.stderr)).toBe('');
    expect(dry.status).toBe(0);
    const said = /^would write (\d+) files, ([\d,]+) bytes: 41 resumes \(the largest ([\d,]+) bytes; a resume is read up to 1,048,576\) and org\/chart\.yaml of ([\d,]+) bytes \(read up to 33,554,432\)$/m.exec(dry.stdout);
    expect(said, dry.stdout).not.toBeNull();
    expect(dry.stdout).toContain('--enrich offline: 40 call(s)');
    expect(existsSync(root)).toBe(false);

    const made = lemming(root, ['populate', file]);
    expect(besidesProgress(made.stderr)).toBe('');
    expect(made.status).toBe(0);
    const written = filesUnder(root);
    // What populate writes; the loader's own cache under org/state is not populate's.
    const populated = [...written].filter(([path]) => !path.startsWith('org/state/') || path === 'org/state/.gitignore');
    expect(populated.length).toBe(Number(said?.[1]));
    expect(populated.reduce((sum, [, size]) => sum + size, 0)).toBe(Number(said?.[2]?.replaceAll(',', '')));
    expect(written.get('org/chart.yaml')).toBe(Number(said?.[4]?.replaceAll(',', '')));
    expect(Math.max(...[...written].filter(([path]) => path.endsWith('/resume.md')).map(([, size]) => size))).toBe(Number(said?.[3]?.replaceAll(',', '')));
  });

  test('a write that fails part-way leaves the folder as it was, nothing beside it; a kill leaves it as it was; the same spec then writes the org', () => {
    const file = spec('name: panel\nsize: 12\nstructure: { team_size: 3 }\nroles:\n  lead: { title: Lead, model: offline, credits: 0.5 }\n  member: { title: Analyst, model: offline, credits: 0.1 }\n');
    const root = join(tempDir(), 'org');
    const before = besides(root);
    const failed = lemming(root, ['populate', file], { LEMMING_STORAGE_FAULT: 'chart.yaml:1:ENOSPC' });
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain('ENOSPC');
    expect(existsSync(root)).toBe(false);
    expect(besides(root)).toEqual(before);

    // Killed while writing: the folder as it was; the hidden staging folder left beside it is swept by the next write.
    const killed = lemming(root, ['populate', file], { LEMMING_STORAGE_FAULT: 'chart.yaml:1:SIGKILL' });
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(root)).toBe(false);
    expect(besides(root).filter((name) => !before.includes(name))).toEqual([expect.stringMatching(/^\.org\.lemming-populate-\d+$/)]);

    const made = lemming(root, ['populate', file]);
    expect(besidesProgress(made.stderr)).toBe('');
    expect(made.status).toBe(0);
    expect(readFileSync(join(root, 'org', 'org.yaml'), 'utf8')).toContain('name: panel');
    expect(besides(root)).toEqual([...before, 'org'].sort());
    expect(lemming(root, ['validate']).status).toBe(0);
  });

  test('into a folder that exists and holds a .env: a failed write leaves just the .env; the org is then moved in beside it', () => {
    const file = spec('name: panel\nsize: 4\nroles:\n  member: { title: Analyst, model: offline, credits: 0.1 }\n');
    const root = tempDir();
    writeFileSync(join(root, '.env'), 'OPENAI_API_KEY=sk-kept\n');
    const failed = lemming(root, ['populate', file], { LEMMING_STORAGE_FAULT: 'org.yaml:1:ENOSPC' });
    expect(failed.status).not.toBe(0);
    expect(readdirSync(root)).toEqual(['.env']);
    const made = lemming(root, ['populate', file]);
    expect(besidesProgress(made.stderr)).toBe('');
    expect(made.status).toBe(0);
    expect(readdirSync(root).sort()).toEqual(['.env', 'agents', 'org']);
    expect(readFileSync(join(root, '.env'), 'utf8')).toBe('OPENAI_API_KEY=sk-kept\n');
  });
});
