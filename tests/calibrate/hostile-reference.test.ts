import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrateOrg } from '../../src/calibrate/calibrate-org.js';
import { calibrateExperimentRuns } from '../../src/calibrate/calibrate-experiment.js';
import type { ExperimentOutcome } from '../../src/experiment/run-experiment.js';
import { LemmingError } from '../../src/errors.js';
import { hasTerminalControl } from '../../src/terminal-text/terminal-text.js';
import { lemming } from '../helpers/cli.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { tempDir } from '../helpers/temp-org.js';

/*
 * A reference file (`lemming calibrate REFERENCE`, an experiment's `reference:`) handed to a person
 * by someone else: its `name:` becomes a folder, its `answers:` a file read, its header quoted in an
 * error. None of it may reach outside the org and the reference's own folder, or the terminal.
 */

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** A small panel of four people on a scripted model, at `<base>/deep/er/org`, so `../../..` from its calibration/ lands inside `base`. */
function panel(base: string): string {
  const root = join(base, 'deep', 'er', 'org');
  write(root, 'org/org.yaml', 'name: panel\nmodels:\n  scripted: { provider: offline, model: scripted-1, input_price: 1, output_price: 1, context_window: 32000 }\n');
  const chart = ['agents:', '  human: { reports_to: null, send_to: [], read_from: ["*"] }'];
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nYou.\n');
  for (let index = 0; index < 4; index += 1) {
    chart.push(`  p${index}: { reports_to: human, send_to: [human], read_from: [human] }`);
    write(root, `agents/p${index}/resume.md`, `---\ntitle: Panel member\nmodel: scripted\ncredits: 1\npersona:\n  sex: ${index % 2 === 0 ? 'female' : 'male'}\n---\nAnswer.\n`);
  }
  write(root, 'org/chart.yaml', `${chart.join('\n')}\n`);
  return root;
}

const QUESTIONS = ['questions:', '  - id: mood', '    text: How happy are you?', '    options: [happy, unhappy]'];
const ANSWERS = 'question,option,count,sex\nmood,happy,3,female\nmood,unhappy,1,male\n';

/** A reference in `folder` with these header lines (name:, answers:) and a valid answers.csv beside it. */
function reference(folder: string, header: string[], answers = ANSWERS): string {
  write(folder, 'ref.yaml', [...header, ...QUESTIONS, ''].join('\n'));
  write(folder, 'answers.csv', answers);
  return join(folder, 'ref.yaml');
}

const providerFor = () => new ScriptedProvider(() => ({ text: 'happy\nBecause.' }));

/** The LemmingError a call throws (the test fails when it throws nothing, or something else). */
async function refusal(call: () => Promise<unknown>): Promise<LemmingError> {
  const thrown = await call().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(thrown).toBeInstanceOf(LemmingError);
  return thrown as LemmingError;
}

/** Every file under a folder, relative to it. */
function filesUnder(folder: string): string[] {
  return existsSync(folder) ? readdirSync(folder, { recursive: true, encoding: 'utf8' }).sort() : [];
}

describe("a reference's name: is a folder name, checked by the org's name rule", () => {
  it('name: ../../../outside/planted writes nothing outside the org; the error names the file, the field and a valid name', async () => {
    const base = tempDir();
    const root = panel(base);
    const path = reference(tempDir(), ['name: ../../../outside/planted', 'answers: answers.csv']);
    const error = await refusal(() => calibrateOrg(root, path, { providerFor }));
    expect(error.message).toContain(`${path}: name: "../../../outside/planted" is not a valid reference name;`);
    expect(error.message).toContain('for example "gss-2018"');
    expect(error.exitCode).toBe(2);
    expect(filesUnder(join(base, 'deep', 'outside'))).toEqual([]);
    expect(filesUnder(join(base, 'outside'))).toEqual([]);
    expect(filesUnder(join(root, 'calibration'))).toEqual([]);
  });

  it('an absolute name, and a name with a slash, are refused the same way', async () => {
    const root = panel(tempDir());
    const planted = join(tempDir(), 'planted');
    for (const name of [planted, 'a/b', '..', '.hidden']) {
      const path = reference(tempDir(), [`name: ${JSON.stringify(name)}`, 'answers: answers.csv']);
      const error = await refusal(() => calibrateOrg(root, path, { providerFor }));
      expect(error.message).toContain(`${path}: name: ${JSON.stringify(name)} is not a valid reference name;`);
    }
    expect(existsSync(planted)).toBe(false);
  });

  it("an experiment's reference: with a hostile name writes nothing outside the experiment's runs", async () => {
    const base = tempDir();
    const folder = join(base, 'deep', 'experiment');
    cpSync(panel(tempDir()), join(folder, 'r1'), { recursive: true });
    const path = reference(tempDir(), ['name: ../../../planted', 'answers: answers.csv']);
    writeFileSync(join(folder, 'report.md'), '# the report\n');
    const outcome = { experiment: { reference: path }, folder, runs: [{ run: 'r1', variant: 'v' }], report: { markdown: join(folder, 'report.md') } } as unknown as ExperimentOutcome;
    const error = await refusal(() => calibrateExperimentRuns(outcome, { providerFor }));
    expect(error.message).toContain('name: "../../../planted" is not a valid reference name');
    expect(filesUnder(base).filter((file) => file !== 'deep' && !file.startsWith('deep/experiment'))).toEqual([]);
    expect(existsSync(join(folder, 'calibration.json'))).toBe(false);
  });

  it('`lemming calibrate` says so on standard error and exits 2, having written nothing', () => {
    const base = tempDir();
    const root = panel(base);
    const path = reference(tempDir(), ['name: ../../../outside/planted', 'answers: answers.csv']);
    const result = lemming(root, ['calibrate', path]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('name: "../../../outside/planted" is not a valid reference name;');
    expect(filesUnder(join(base, 'deep', 'outside'))).toEqual([]);
  });
});

describe("a reference's answers: is a file beside it", () => {
  /** A file outside the reference's folder whose first line must never be shown. */
  function secret(): string {
    const folder = tempDir();
    write(folder, 'secret/x.csv', 'root:$y$j9T$TOPSECRETHASH:19000:0:99999:7:::\n');
    return folder;
  }

  for (const answers of ['/etc/shadow', '../secret/x.csv', '../../x.csv', 'sub/answers.csv']) {
    it(`answers: ${answers} is refused unread: nothing of the file is quoted`, async () => {
      const folder = secret();
      const path = reference(join(folder, 'ref'), ['name: known', `answers: ${answers}`]);
      const error = await refusal(() => calibrateOrg(panel(tempDir()), path, { providerFor }));
      expect(error.message).toContain(`${path}: answers: ${JSON.stringify(answers)} is not a valid answers file; the answers are a CSV file beside the reference, named without a folder`);
      expect(error.message).toContain('for example `answers: answers.csv`');
      expect(error.message).not.toMatch(/root:|TOPSECRET/);
    });
  }

  it('an answers file that is a symbolic link is refused unread', async () => {
    const folder = secret();
    const path = reference(join(folder, 'ref'), ['name: known', 'answers: linked.csv']);
    symlinkSync(join(folder, 'secret', 'x.csv'), join(folder, 'ref', 'linked.csv'));
    const error = await refusal(() => calibrateOrg(panel(tempDir()), path, { providerFor }));
    expect(error.message).toContain('linked.csv: is a symbolic link');
    expect(error.message).not.toMatch(/root:|TOPSECRET/);
  });

  it('an answers file that is a folder, or missing, says so', async () => {
    const folder = tempDir();
    const path = reference(folder, ['name: known', 'answers: answers.csv']);
    const missing = reference(tempDir(), ['name: known', 'answers: none.csv']);
    const error = await refusal(() => calibrateOrg(panel(tempDir()), missing, { providerFor }));
    expect(error.message).toMatch(/none\.csv: there is no such file; give the CSV of real answers/);
    mkdirSync(join(folder, 'sub.csv'));
    write(folder, 'ref.yaml', ['name: known', 'answers: sub.csv', ...QUESTIONS, ''].join('\n'));
    const folderError = await refusal(() => calibrateOrg(panel(tempDir()), path, { providerFor }));
    expect(folderError.message).toContain('sub.csv: is a folder, not a file');
  });
});

describe('what a reference error quotes is a bounded, escaped excerpt', () => {
  it('a header of escape sequences and a megabyte of text: the error is short and holds no control character', async () => {
    const hostile = `\u001b]52;c;cGxhbnRlZA==\u0007\u001b[2J\u009b31m\u202e${'A'.repeat(1_000_000)}`;
    const path = reference(tempDir(), ['name: known', 'answers: answers.csv'], `${hostile}\nmood,happy,1\n`);
    const error = await refusal(() => calibrateOrg(panel(tempDir()), path, { providerFor }));
    expect(error.message).toContain('answers.csv: line 1: the header names the columns');
    expect(error.message.length).toBeLessThan(1000);
    expect(hasTerminalControl(error.message)).toBe(false);
    // What the header held is shown as visible escapes, not acted on.
    expect(error.message).toContain('\\u001b]52;c;');
  });

  it('a hostile cell in a row, and a hostile attribute column, are quoted bounded and escaped too', async () => {
    const cell = `\u001b[2J${'B'.repeat(100_000)}`;
    const row = reference(tempDir(), ['name: known', 'answers: answers.csv'], `question,option,count\nmood,${cell},3\n`);
    const rowError = await refusal(() => calibrateOrg(panel(tempDir()), row, { providerFor }));
    expect(rowError.message).toContain('answers.csv: line 2: option: "\\u001b[2JBBB');
    expect(rowError.message.length).toBeLessThan(1000);
    expect(hasTerminalControl(rowError.message)).toBe(false);
    const column = reference(tempDir(), ['name: known', 'answers: answers.csv'], `question,option,count,\u009b${'C'.repeat(100_000)}\nmood,happy,3,x\n`);
    const columnError = await refusal(() => calibrateOrg(panel(tempDir()), column, { providerFor }));
    expect(columnError.message).toContain('answers.csv: line 1: attribute column');
    expect(columnError.message.length).toBeLessThan(1000);
    expect(hasTerminalControl(columnError.message)).toBe(false);
  });
});

describe('a reference is read by the one loader of editable files', () => {
  it('aliases that would expand without end (a "billion laughs") are refused, naming the file and line', async () => {
    const folder = tempDir();
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 9; level += 1) laughs.push(`${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(10).fill(`*${String.fromCharCode(96 + level)}`).join(', ')}]`);
    write(folder, 'ref.yaml', ['name: known', 'answers: answers.csv', ...laughs, ...QUESTIONS, ''].join('\n'));
    write(folder, 'answers.csv', ANSWERS);
    const error = await refusal(() => calibrateOrg(panel(tempDir()), join(folder, 'ref.yaml'), { providerFor }));
    expect(error.message).toMatch(/ref\.yaml:4: b: uses aliases \(`\*name`\) that would expand to more than 100 values \(a "billion laughs"\)/);
  });

  it('lists nested past the limit are refused, naming the file and line', async () => {
    const folder = tempDir();
    write(folder, 'ref.yaml', ['name: known', 'answers: answers.csv', `deep: ${'['.repeat(5000)}${']'.repeat(5000)}`, ...QUESTIONS, ''].join('\n'));
    write(folder, 'answers.csv', ANSWERS);
    const error = await refusal(() => calibrateOrg(panel(tempDir()), join(folder, 'ref.yaml'), { providerFor }));
    expect(error.message).toMatch(/ref\.yaml:3: nests lists and maps more than 64 levels deep/);
  });

  it('a reference that is not UTF-8 text is refused, naming the line', async () => {
    const folder = tempDir();
    write(folder, 'answers.csv', ANSWERS);
    writeFileSync(join(folder, 'ref.yaml'), Buffer.concat([Buffer.from('name: known\nanswers: answers.csv\nsource: '), Buffer.from([0xff, 0xfe, 0x00]), Buffer.from(`\n${QUESTIONS.join('\n')}\n`)]));
    const error = await refusal(() => calibrateOrg(panel(tempDir()), join(folder, 'ref.yaml'), { providerFor }));
    expect(error.message).toMatch(/ref\.yaml:3: holds a NUL byte/);
  });

  it('a valid reference still calibrates, its report under calibration/<name>', async () => {
    const root = panel(tempDir());
    const calibration = await calibrateOrg(root, reference(tempDir(), ['name: gss-2018', 'answers: answers.csv']), { providerFor });
    expect(calibration.folder).toBe(join(root, 'calibration', 'gss-2018'));
    expect(filesUnder(join(root, 'calibration'))).toEqual(['gss-2018', 'gss-2018/report.json', 'gss-2018/report.md']);
  });
});
