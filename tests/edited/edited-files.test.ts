import { spawnSync } from 'node:child_process';
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readEditedFile } from '../../src/editable/edited-file.js';
import { parseYamlSource } from '../../src/editable/yaml-source.js';
import { OrgLoader } from '../../src/org/load-org.js';
import { lemming } from '../helpers/cli.js';
import { aliasBomb, withFrontMatterLines } from '../helpers/hostile-yaml.js';
import { defaultOrg, read, tempDir, write } from '../helpers/temp-org.js';

const RESUME = 'agents/planner/resume.md';

/** The problems the loader finds in one file after `edit`, as `file:line: field: message` lines. */
function problemsAfter(edit: (root: string) => void): Array<{ file: string; line?: number; field?: string; message: string }> {
  const root = defaultOrg();
  edit(root);
  return new OrgLoader(root).load().problems.filter((problem) => problem.severity === 'error');
}

describe('the one reader of editable files: bytes that are not text', () => {
  test('invalid UTF-8, UTF-16, a NUL byte: a problem at the line, not a throw; a UTF-8 byte order mark is dropped', () => {
    const directory = tempDir();
    const path = join(directory, 'file.yaml');
    writeFileSync(path, Buffer.concat([Buffer.from('a: 1\nb: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    expect(readEditedFile(path, 'org/x.yaml', 1024)).toEqual({ problem: { file: 'org/x.yaml', line: 2, message: expect.stringMatching(/^is not UTF-8 text/), severity: 'error' } });
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a: 1\n', 'utf16le')]));
    expect(readEditedFile(path, 'org/x.yaml', 1024)).toMatchObject({ problem: { line: 1, message: expect.stringMatching(/UTF-16.*save it as UTF-8/) } });
    writeFileSync(path, 'a: 1\nb: 2\nc: \u0000\n');
    expect(readEditedFile(path, 'org/x.yaml', 1024)).toMatchObject({ problem: { line: 3, message: expect.stringMatching(/NUL byte/) } });
    writeFileSync(path, '\uFEFFa: 1\n');
    expect(readEditedFile(path, 'org/x.yaml', 1024)).toEqual({ text: 'a: 1\n' });
  });

  test('a file over its cap is refused unread; a folder or a pipe in its place is a problem, never waited on', () => {
    const directory = tempDir();
    const huge = join(directory, 'huge.yaml');
    writeFileSync(huge, 'a: 1\n');
    truncateSync(huge, 5 * 1024 * 1024 * 1024);
    expect(readEditedFile(huge, 'org/chart.yaml', 1024)).toMatchObject({ problem: { message: 'is 5368709120 bytes; lemming reads at most 1024 bytes of this file, so it was not read' } });
    mkdirSync(join(directory, 'folder.yaml'));
    expect(readEditedFile(join(directory, 'folder.yaml'), 'org/chart.yaml', 1024)).toMatchObject({ problem: { message: 'is a folder, not a file' } });
    expect(spawnSync('mkfifo', [join(directory, 'pipe.yaml')]).status).toBe(0);
    expect(readEditedFile(join(directory, 'pipe.yaml'), 'org/chart.yaml', 1024)).toMatchObject({ problem: { message: expect.stringMatching(/not a regular file/) } });
    expect(readEditedFile(join(directory, 'absent.yaml'), 'org/chart.yaml', 1024)).toEqual({ missing: true });
  });
});

describe('the one YAML parse: what the parser throws or lets through is a problem with the line and the field', () => {
  test('an alias bomb, an alias to no anchor, an alias inside its own anchor', () => {
    expect(parseYamlSource(`name: x\n${aliasBomb()}`, 'org/org.yaml').problems).toEqual([
      { file: 'org/org.yaml', line: 3, field: 'lol1', message: expect.stringMatching(/aliases .* more than 100 values/), severity: 'error' },
    ]);
    expect(parseYamlSource('name: x\nmodels:\n  a: *nowhere\n', 'org/org.yaml').problems).toEqual([
      { file: 'org/org.yaml', line: 3, field: 'models.a', message: expect.stringMatching(/alias .* to no anchor/), severity: 'error' },
    ]);
    expect(parseYamlSource('agents:\n  loop: &loop [1, *loop]\n', 'org/chart.yaml').problems).toEqual([
      { file: 'org/chart.yaml', line: 2, field: 'agents.loop', message: expect.stringMatching(/inside the value its anchor .* names/), severity: 'error' },
    ]);
  });

  test('nesting is refused past 64 levels, the same at any depth of the caller\'s stack: a message the fuzz dropped was read by one reader and refused by another', () => {
    const nested = (depth: number, open = '[', close = ']'): string => `to: planner\ndeep: ${open.repeat(depth)}${close.repeat(depth)}\n`;
    const byIndent = (depth: number): string => `to: planner\n${Array.from({ length: depth }, (_, level) => `${' '.repeat(level)}k${level}:`).join('\n')}\n`;
    // The parser recurses once per level: with the caller's stack nearly used up, it fails where a shallow caller reads on.
    const underDeepStack = <T>(work: () => T): T => {
      let result: T | undefined;
      const descend = (frames: number): void => {
        if (frames === 0) result = work();
        else descend(frames - 1);
      };
      descend(7_000);
      return result as T;
    };
    for (const text of [nested(63), nested(63, '{x: ', '}'), byIndent(63)]) {
      expect(parseYamlSource(text, 'm.md').problems).toEqual([]);
      expect(underDeepStack(() => parseYamlSource(text, 'm.md').problems)).toEqual([]);
    }
    const message = 'nests lists and maps more than 64 levels deep; lemming reads no deeper (an org file needs a few levels): write it flatter';
    // The line is where the 65th level starts: the flow lists' line, or the indented map's own line.
    for (const [text, line] of [[nested(64), 2], [nested(960), 2], [nested(5_000, '{x: ', '}'), 2], [byIndent(1_000), 66]] as const) {
      const refused = [{ file: 'm.md', line, message, severity: 'error' }];
      expect(parseYamlSource(text, 'm.md').problems).toEqual(refused);
      expect(underDeepStack(() => parseYamlSource(text, 'm.md').problems)).toEqual(refused);
    }
  });

  test('a duplicate key names its line and field; a list or text at the top is not a map of fields', () => {
    expect(parseYamlSource('agents:\n  manager: {}\n  planner: {}\n  manager: {}\n', 'org/chart.yaml').problems).toEqual([
      { file: 'org/chart.yaml', line: 4, field: 'agents.manager', message: 'is not valid YAML: Map keys must be unique; "manager" is given twice', severity: 'error' },
    ]);
    // Merge keys may repeat: each brings in another map.
    expect(parseYamlSource('a: &a {x: 1}\nb: &b {y: 1}\nc:\n  <<: *a\n  <<: *b\n', 'f.yaml').problems).toEqual([]);
    expect(parseYamlSource('# a list\n- a\n- b\n', 'org/chart.yaml').problems).toEqual([
      { file: 'org/chart.yaml', line: 2, message: 'must be a map of fields, one `field: value` a line, but its top level is a list', severity: 'error' },
    ]);
    expect(parseYamlSource('just words\n', 'org/org.yaml').problems[0]?.message).toMatch(/top level is a single text/);
    expect(parseYamlSource('', 'org/org.yaml').problems).toEqual([]);
  });
});

describe('the org loader on hostile resumes: each a problem naming the file and line, the org loads', () => {
  test.each([
    ['an alias bomb', (text: string) => withFrontMatterLines(text, aliasBomb()), 3, /aliases/],
    ['nesting past the parser', (text: string) => withFrontMatterLines(text, `deep: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`), 2, /more than 64 levels deep/],
    ['a list as front matter', (text: string) => text.replace(/^---\n[\s\S]*?\n---\n/, '---\n- a\n- b\n---\n'), 2, /top level is a list/],
    ['a duplicate field', (text: string) => withFrontMatterLines(text, 'credits: 5\n'), 5, /"credits" is given twice/],
    ['a NUL byte', (text: string) => `${text}\u0000`, undefined, /NUL byte/],
    ['two megabytes', (text: string) => `${text}${'x'.repeat(2 * 1024 * 1024)}\n`, undefined, /is 2\d{6} bytes; lemming reads at most 1048576/],
  ] as const)('%s', (_name, edit, line, message) => {
    const problems = problemsAfter((root) => write(root, RESUME, edit(read(root, RESUME))));
    expect(problems.filter((problem) => problem.file === RESUME)).toEqual([expect.objectContaining({ message: expect.stringMatching(message), ...(line === undefined ? {} : { line }) })]);
  });

  test('a resume that is a folder, and invalid UTF-8 in the chart', () => {
    expect(
      problemsAfter((root) => {
        write(root, 'org/chart.yaml', Buffer.concat([Buffer.from(read(root, 'org/chart.yaml')), Buffer.from([0xc3, 0x28, 0x0a])]));
        const resume = join(root, RESUME);
        spawnSync('rm', [resume]);
        mkdirSync(resume);
      }).map((problem) => `${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message.slice(0, 24)}`),
    ).toEqual(expect.arrayContaining(['org/chart.yaml:28: is not UTF-8 text (a byt', 'agents/planner/resume.md: is a folder, not a file']));
  });
});

describe('validate, import and bootstrap --template on files no editor means to write', () => {
  test('validate names every broken file an org holds (org.yaml, chart, a resume, routing, a template, a proposal, a message) and exits 1', () => {
    const root = defaultOrg();
    write(root, 'org/org.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(read(root, 'org/org.yaml'), 'utf16le')]));
    write(root, 'org/routing.yaml', aliasBomb());
    write(root, 'org/templates/tester.md', `---\n${aliasBomb()}---\nTest.\n`);
    write(root, 'org/proposals/000001-hr-001.md', `---\n${aliasBomb()}---\nA proposal.\n`);
    write(root, 'agents/manager/outbox/000000-001-planner.md', `---\nto: planner\n${aliasBomb()}---\nHi.\n`);
    const result = lemming(root, ['validate']);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('error: org/org.yaml:1: is UTF-16 text');
    // org.yaml never valid: the routing file is checked against no org, and says so in its turn once org.yaml is mended.
    write(root, 'org/org.yaml', read(defaultOrg(), 'org/org.yaml'));
    const mended = lemming(root, ['validate']);
    expect(mended.stderr).not.toContain('unexpected error');
    expect(mended.status).toBe(1);
    expect(mended.stdout).toMatch(/^error: org\/routing\.yaml:2: lol1: uses aliases/m);
    expect(mended.stdout).toMatch(/^warning: org\/templates\/tester\.md:3: lol1: uses aliases .*; a hire cannot start from this template$/m);
    expect(mended.stdout).toMatch(/^warning: org\/proposals\/000001-hr-001\.md:3: lol1: uses aliases .*; it cannot be approved or carried out$/m);
    expect(mended.stdout).toMatch(/^warning: agents\/manager\/outbox\/000000-001-planner\.md: has broken front matter at line 4: uses aliases/m);
  });

  test('import of an archive holding an alias bomb: the org is imported, its problem named, exit 1', () => {
    const root = defaultOrg();
    write(root, RESUME, withFrontMatterLines(read(root, RESUME), aliasBomb()));
    const archive = join(tempDir(), 'org.tar.gz');
    const exported = lemming(root, ['export', archive]);
    expect(exported.stderr).not.toContain('unexpected error');
    expect(exported.status).toBe(0);
    const target = join(tempDir(), 'imported');
    const imported = lemming(target, ['import', archive]);
    expect(imported.stderr).not.toContain('unexpected error');
    expect(imported.status).toBe(1);
    expect(imported.stderr).toMatch(/^error: agents\/planner\/resume\.md:3: lol1: uses aliases/m);
    expect(imported.stderr).toContain('the imported org has 1 error(s)');
  });

  test('bootstrap --template from a folder holding an alias bomb (a resume, template.yaml): refused naming the file and line, exit 2', () => {
    const template = defaultOrg();
    write(template, RESUME, withFrontMatterLines(read(template, RESUME), aliasBomb()));
    const refused = lemming(tempDir(), ['bootstrap', '--template', template]);
    expect(refused.stderr).not.toContain('unexpected error');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`${join(template, RESUME)}:3: lol1: uses aliases`);

    write(template, RESUME, read(defaultOrg(), RESUME));
    write(template, 'template.yaml', `description: A team\n${aliasBomb()}`);
    const described = lemming(tempDir(), ['bootstrap', '--template', template]);
    expect(described.stderr).not.toContain('unexpected error');
    expect(described.status).toBe(2);
    expect(described.stderr).toContain(`${join(template, 'template.yaml')}:3: lol1: uses aliases`);
  });
});
