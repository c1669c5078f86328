import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { bootstrappedOrg, builtOrg, step } from '../helpers/built-org.js';
import { CLI, lemming } from '../helpers/cli.js';
import { docPages, GENERATED_PAGES } from '../helpers/docs.js';
import { REPO_ROOT, tempDir } from '../helpers/org-files.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';

/** A fenced block of the docs: its page, its language, its text, the line it starts at, and its first line (how it is named here). */
interface Block {
  file: string;
  lang: string;
  text: string;
  line: number;
  first: string;
}

function fencedBlocks(file: string, markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const open = /^```(\S*)\s*$/.exec(lines[index] ?? '');
    if (!open) continue;
    const start = index;
    const body: string[] = [];
    for (index += 1; index < lines.length && !/^```\s*$/.test(lines[index] ?? ''); index += 1) body.push(lines[index] ?? '');
    blocks.push({ file, lang: open[1] ?? '', text: `${body.join('\n')}\n`, line: start + 1, first: body.find((line) => line.trim() !== '')?.trim() ?? '' });
  }
  return blocks;
}

/**
 * The command and configuration examples of the README and of every guide in docs/: what a person
 * types or writes (output and screens are checked elsewhere). The generated references hold none.
 */
const EXAMPLES = docPages()
  .filter((page) => !GENERATED_PAGES.has(page.file))
  .flatMap((page) => fencedBlocks(page.file, page.text))
  .filter((block) => ['sh', 'console', 'yaml', 'markdown', 'json'].includes(block.lang));

/** The example whose first line starts so, wherever in the docs it is now. */
function example(start: string): Block {
  const found = EXAMPLES.filter((block) => block.text.trimStart().startsWith(start));
  if (found.length !== 1) throw new Error(`the docs have ${found.length} examples starting ${JSON.stringify(start)}${found.map((block) => ` (${block.file}:${block.line})`).join('')}`);
  return found[0] as Block;
}

/** The text of the page that holds the example starting so. */
function pageOf(start: string): string {
  const file = example(start).file;
  return readFileSync(join(REPO_ROOT, file), 'utf8');
}

/** Each example this file runs or checks, by the start of its first line, and how. */
const CHECKED: Record<string, string> = {
  'npm install && npm start': '`npm start` in a fresh clone (npm install is what made this checkout)',
  'lemming bootstrap                       # write the default org': 'the session, run as written',
  'lemming bootstrap --root ~/my-org && cd ~/my-org': 'its first two lines run with HOME a scratch folder: every agent but the human on gpt-4o-mini, then `lemming validate` (the rest needs a key)',
  'lemming chat                 # take part': 'run with standard input closed',
  'echo "Write release notes for 1.2" | lemming chat --drive': 'run as written',
  'lemming serve                 # http://127.0.0.1:4780': 'each command started, its URL checked, then Ctrl-C',
  'lemming search "release notes"': 'run after the session',
  'cd my-org && git init': 'run beside an org that has run',
  'lemming export lab.tar.gz': 'run in an org that has run; the moved org and the backup checked',
  'lemming serve --root lab --root desk': 'each command started beside two orgs and an experiment\'s folder, its orgs checked, then Ctrl-C',
  'name: my-org': 'as org/org.yaml, then `lemming validate`',
  'agents:': 'as org/chart.yaml, then `lemming validate`',
  '---\ntitle: Engineering manager': 'as the manager\'s resume, then `lemming validate`',
  '---\nid: 000012-manager-001': 'dropped into the manager\'s outbox, then read back by `lemming thread`',
  'mcp_servers:\n  text:': 'appended to org/org.yaml, then the commands after it',
  'mcp_servers:\n  search:': 'appended to org/org.yaml, then `lemming validate`',
  'command_tools:\n  run_python:': 'appended to org/org.yaml, then `lemming validate`',
  'command_tools:\n  count_words:': 'appended to org/org.yaml, then `lemming validate`',
  'engine:\n  sandbox:': 'into the engine settings of org/org.yaml, then `lemming validate`',
  'models:\n  reviewer-script:': 'as the registry of org/org.yaml with an executable bin/reviewer.sh, then `lemming validate`',
  'models:\n  triage-bot:': 'as the registry of org/org.yaml, then `lemming validate`',
  'claude-code:': 'under models: in org/org.yaml with a stand-in `claude` on PATH (the real one needs an account), then `lemming validate`',
  'codex:': 'under models: in org/org.yaml with a stand-in `codex` on PATH (the real one needs an account), then `lemming validate`',
  '#!/bin/sh\nprompt=$(mktemp)': 'written as bin/aider-agent.sh for the aider entry, then `lemming validate`',
  'aider:': 'under models: in org/org.yaml with the script above as bin/aider-agent.sh, then `lemming validate`',
  'notify:': 'appended to org/org.yaml, then `lemming validate`',
  'lemming add-agent writer': 'run with the servers above: the writer calls text__word_count',
  'lemming approvals': 'each line from the same org, where hr proposed a hire',
  'models:\n  gpt-4o-mini:': 'as the registry of org/org.yaml, then `lemming validate`',
  'model: [gpt-4o-mini, claude-haiku, llama-local]': 'in the manager\'s resume, then `lemming validate`',
  '$ lemming templates': 'run in an org, and its lines compared with the docs\' (the org\'s folder read as /home/me/my-org)',
  'lemming bootstrap --template newsroom': 'run as written with HOME a scratch folder and ./my-template an org written there',
  '---\ntitle: "Tester: tests the work': 'written as org/templates/tester.md, then `lemming add-agent --template tester` and `lemming validate`',
  'mkdir -p runs': 'run after the session',
  'engine:\n  queue:': 'as the engine settings of org/org.yaml, then `lemming validate`',
  '# org/routing.yaml': 'as org/routing.yaml of the default org, then `lemming validate`',
  '# study.yaml': 'written as study.yaml and run by the console example after it',
  '$ lemming experiment study.yaml': 'run, and the report\'s table compared with the docs\'',
  '$ lemming diff experiments/study/baseline-r1': 'run after the experiment, and its first lines compared with the docs\'',
  'variants:\n  - name: interrupted': 'with the survey example after it, as one experiment on the default org: run, each intervention carried out and the survey reported',
  'survey:\n  - question:': 'run with the interventions example before it',
  '# planner.yaml': 'written as planner.yaml, run with `lemming experiment`, and the report\'s first table and its organisation section compared with the docs\'',
  '{\n  "scenario": "research",': 'written on one line as research.jsonl and imported by the console example after it',
  '$ lemming import-marble research.jsonl': 'run as written, its output and the report\'s first table compared with the docs\'',
};

/** Examples not run here, each with the reason. */
const NOT_RUN: Record<string, string> = {
  'npm test': 'the test suite itself',
  '# data/gss-2018/reference.yaml (abridged)': 'an abridged view of the shipped file, which tests/calibrate/calibrate-docs.test.ts calibrates a panel against as the page does',
  'lemming populate data/gss-2018/people.yaml': 'tests/calibrate/calibrate-docs.test.ts runs these three as written and compares what they print with the console example',
  '$ lemming calibrate data/gss-2018/respondents.yaml --root panel --dry-run': 'tests/calibrate/calibrate-docs.test.ts runs both commands as written, compares every line and finds the quoted rows in the report',
  '# data/gss-2018/respondents.yaml (abridged)': 'an abridged view of the shipped file, which tests/calibrate/respondent-file.test.ts reads and holds to answers.csv',
  'lemming calibrate data/gss-2018/respondents.yaml --root panel --people 50 --dry-run': 'tests/calibrate/calibrate-docs.test.ts runs both as written on the panel the section populates and compares what they print with the console example',
  '$ lemming calibrate data/gss-2018/respondents.yaml --root panel --people 50 --dry-run': 'tests/calibrate/calibrate-docs.test.ts runs both commands as written and compares every line',
  'reference: data/gss-2018/reference.yaml': 'a line of an experiment file; tests/calibrate/calibrate.test.ts ends an experiment with reference: and reads the report it adds',
  '# the release notes, six times': 'the blame example\'s experiment, run by hand as written for the figures the page shows (minutes on the offline model); tests/blame/blame.test.ts holds the command to a scripted org whose culprit step is known',
  '$ lemming blame base/experiments/study/baseline-r4': 'run by hand as written for the figures the page shows; tests/blame/blame.test.ts holds blame, --dry-run included, to a scripted org whose culprit step is known',
  'blame: { check: tested, k: 3 }': 'a line of an experiment file; tests/blame/blame-experiment.test.ts blames the failed runs of an experiment and reads the report it adds',
  'git clone <this repository> lemming': 'tests/e2e/library-pack.test.ts packs this clone and installs the tarball in a fresh project, offline, as these lines do (no clone of its own: no network here)',
  '{\n  "compilerOptions": {\n    "target": "ES2022"': 'tests/library/typescript-user.ts compiles the study in the packed project with these options (strict, NodeNext, types: node), plus typeRoots for the repository\'s @types/node',
  'telemetry: { otlp:': 'tests/telemetry/otlp-run.test.ts appends it to org/org.yaml with a local OTLP receiver\'s URL, runs the org and counts the spans received',
  'lemming trace --otlp http://localhost:4318': 'tests/telemetry/otlp-run.test.ts sends a finished run, and one of its turns, to a local OTLP receiver',
  'docker run --rm -d --name jaeger': 'needs Docker and Jaeger\'s image; the run it shows, `run --otlp`, is tested against a local OTLP receiver (tests/telemetry/otlp-run.test.ts)',
  '"system": [': 'an excerpt of a call trace lemming writes, not something a person writes or types',
  '{"lemming": 1,': 'what lemming writes on an agent program\'s standard input (prompt: json); tests/outside/command-agent.test.ts reads it from a program',
  '{"text": "What I did': 'an agent program\'s answer (reply: json); tests/outside/command-faults.test.ts answers in it',
  "#!/bin/sh\n# coder_01's seat": 'the worked example: tests/outside/readme-agent.test.ts runs it from the docs as written',
  'coder-script:': 'the worked example: tests/outside/readme-agent.test.ts runs it from the docs as written',
  'lemming validate                     # the program is found': 'the worked example: tests/outside/readme-agent.test.ts runs these commands',
  'lemming mcp                      # the human': 'serves MCP on standard input until its client leaves; tests/outside/mcp-server.test.ts runs it under the SDK\'s client',
  'outside_seats:': 'tests/outside/mcp-server.test.ts appends it to org/org.yaml with a reviewer seat and serves it',
  '{ "mcpServers": { "lemming": { "command"': 'an editor\'s configuration file, read by the editor',
  '{ "servers": { "lemming"': 'an editor\'s configuration file, read by the editor',
  '{ "mcpServers": { "lemming": { "url"': 'an editor\'s configuration file, read by the editor',
  'history: { keep: true }': 'tests/history/docs-example.test.ts finds it in a new org, runs it, then turns it off',
  'lemming history                       # each entry': 'tests/history/docs-example.test.ts runs it in the counterfactual\'s base org',
  'git --git-dir org/state/history.git log --stat': 'tests/history/docs-example.test.ts runs it in the counterfactual\'s base org',
  'lemming fork --from base --at 2 --root what-if': 'tests/history/docs-example.test.ts runs it beside the counterfactual\'s base org',
  'lemming bootstrap --root base': 'the counterfactual: tests/history/docs-example.test.ts runs it as written',
  'lemming export --history lab.tar.gz --root base    # the org and its history, as one archive': 'tests/history/docs-example.test.ts runs it after the counterfactual, with the import, history and prune after it',
  '# the baseline: the default org': 'the counterfactual study: tests/experiment/counterfactual-docs.test.ts runs it as written',
  'lemming fork --from baseline --at 2 --root told': 'tests/experiment/counterfactual-docs.test.ts runs it after the baseline',
  '$ lemming diff baseline told': 'tests/experiment/counterfactual-docs.test.ts runs it after the fork and compares its first lines with the docs\'',
  '# what-if.yaml': 'tests/experiment/counterfactual-docs.test.ts writes it beside the baseline and runs the console example after it',
  '$ lemming experiment what-if.yaml': 'tests/experiment/counterfactual-docs.test.ts runs it, compares its output, the report\'s fork statement and its variants table with the docs\'',
  '$ lemming diff baseline baseline/experiments/what-if/as-was': 'tests/experiment/counterfactual-docs.test.ts runs it after the experiment and compares its lines with the docs\'',
  '$ lemming import-network data/': 'tests/reference/validation-docs.test.ts runs it in a folder holding the shipped data and compares its lines',
  '$ lemming import-network edges.txt': 'tests/reference/validation-docs.test.ts runs it on a file with those bad lines and compares what it says',
  '$ lemming import-network --people 250': 'the 250-person piece of the worked study, run by hand as written for the figures the page shows (half a minute on the offline model); tests/reference/import-network.test.ts holds --people to the piece it draws and its line',
  '$ lemming analyze --windows email-Eu-core-temporal.txt': 'needs SNAP\'s email-Eu-core-temporal, which is not shipped (data/email-eu-core/README.md); run by hand on a checked copy for the figures the page shows, and tests/reference/timed-edges.test.ts holds the windows to a hand-made month of email',
  '$ lemming import-network complete.txt': 'tests/reference/import-network-bounds.test.ts makes the complete graph on 2,000 people and finds the refusal the page shows',
  '$ lemming experiment eu/network-experiment.yaml': 'the worked study: tests/reference/validation-docs.test.ts runs it as written and compares the comparison\'s table and the figures the page quotes',
  '# people.yaml: 10,000 people': 'tests/integration/population.test.ts populates it (without writing 10,000 agents) and compares what it says, a resume and the chart with the docs\'',
  '# structured.yaml: 10,000 people': 'tests/population/population-structure.test.ts populates it with --dry-run (no files) and compares what it says, the chief and the leads with the docs\'',
  '$ lemming populate structured.yaml --root panel': 'tests/population/population-structure.test.ts compares its lines with what populate says of the spec above',
  '$ lemming populate roles.yaml --root panel': 'tests/population/population-structure.test.ts ("reserved names") holds the message, file, line and field as the page shows them',
  '$ lemming populate strict.yaml --root panel --dry-run': 'tests/population/population-structure.test.ts makes the spec above with that rule and finds the refusal the page shows',
  '$ lemming send manager --cc planner': 'tests/integration/send-copies-and-files.test.ts sends with --cc and finds the line the page shows, the one file and both readers',
  '$ lemming send --file tasks/': 'tests/integration/send-copies-and-files.test.ts sends a folder with a bad priority and a misspelt field and checks the refusal the page shows, naming each file',
  '$ lemming send agent_00001,agent_00801,agent_01501': 'the org of 2,000 is not made here; tests/population/send-to-many.test.ts sends to a list and with --where in a populated org, and checks the line that counts the messages',
  '# panel.yaml: 30 people': 'tests/docs/persona-study.test.ts writes it as panel.yaml and populates it, as the persona study runs',
  '# personas.yaml: do the personas hold': 'tests/docs/persona-study.test.ts writes it as personas.yaml and runs it',
  '$ lemming populate panel.yaml --root panel': 'tests/docs/persona-study.test.ts runs both commands as written, compares their first lines, and finds every table row of the section in the report',
  "$ sed -e 's/^size: 30$/size: 1000/' -e 's/team_size: 4$/team_size: 8/' panel.yaml > panel-1000.yaml": 'tests/docs/persona-study-1000.test.ts runs the four commands as written, compares their first lines, and finds every table row of the section in the report',
  '$ lemming populate people.yaml --root panel': 'tests/integration/population.test.ts compares its lines (and the mistake\'s) with what populate says of the spec above',
  '---\ntitle: "Analyst: answers questions on sales"': 'tests/integration/population.test.ts compares it with the resume the spec above makes',
  'agent_00003:': 'tests/integration/population.test.ts finds it in the chart the spec above makes',
  'variants:\n  - name: baseline\n  - name: panel': 'tests/integration/experiment-population.test.ts runs a variant with population: as written',
  'memory: { keep: true }        # in org/org.yaml': 'tests/docs/memory-example.test.ts appends it to a default org\'s org.yaml and validates',
  'memory:\n  keep: true': 'tests/docs/memory-example.test.ts appends it to a default org\'s org.yaml and validates',
  'memory: { keep: true, weights: { recency: 0, relevance: 1, importance: 0 } }': 'tests/docs/memory-example.test.ts appends it to a default org\'s org.yaml and validates',
  '---\ntitle: Records keeper': 'tests/docs/memory-example.test.ts writes it as a resume and validates',
  '---\nid: 000001-001': 'tests/docs/memory-example.test.ts drops it into a stream and reads it back with `lemming memory`',
  '---\nid: 000004-003': 'tests/memory/focal-reflection.test.ts compares it with the second reflection its run writes',
  'lemming bootstrap --root recall': 'the worked example: tests/docs/memory-example.test.ts runs it as written, and again with `memory: off`',
  '$ lemming inbox --root recall': 'tests/docs/memory-example.test.ts runs it after the worked example and finds its lines in order',
  '$ lemming memory manager "launch code"': 'tests/docs/memory-example.test.ts runs it after the worked example and compares its output',
  'lemming memory manager                   # the stream': 'tests/docs/memory-example.test.ts runs each line in the worked example\'s org',
  'engine:\n  activation:': 'tests/engine/activation-match.test.ts populates structured.yaml (at 600 people), puts it in its org.yaml as written, validates it with no warning, and runs it: the draws are those it says',
  '$ lemming validate --root panel': 'tests/engine/activation-match.test.ts compares its warning, numbers aside, with what validate says of the docs\' population with `{ title: Chief }`',
  'org.yaml: engine.max_messages_per_turn 446': 'tests/integration/population.test.ts compares it with the line populate writes of people.yaml (--dry-run)',
  '---\nid: 000012-manager-002\nfrom: manager\nto: [planner, hr]': 'tests/integration/copies.test.ts drops a file with to: and cc: lists, as a person may, and finds it delivered to each name once',
  '# org/lists/release.yaml': 'tests/integration/mailing-lists.test.ts writes a list of this shape (description, members, may_post, archive) and posts to it, with both refusals the page quotes',
  'budget:\n  credits: 20': 'tests/budget/spending-docs.test.ts puts it in a default org\'s org.yaml as written and validates it; tests/budget/org-budget.test.ts runs a ceiling with departments end to end',
  'engine:\n  breakers:\n    ping_pong: 4': 'tests/budget/spending-docs.test.ts puts it in a default org\'s org.yaml as written and validates it; tests/breakers/live-loops.test.ts pauses and warns on each',
  '$ lemming import-network --lists departments': 'the lists study on the structure chart, run by hand as written for the figures the page shows (minutes on the offline model); tests/reference/department-lists.test.ts holds --lists departments on a small network end to end',
  'redis-server --port 6379': 'names machines of a network (10.0.0.5); tests/queue runs the same commands against a local redis-server',
};

function keyOf(block: Block): string | undefined {
  const text = block.text.trimStart();
  return [...Object.keys(CHECKED), ...Object.keys(NOT_RUN)].find((key) => text.startsWith(key));
}

/** A folder on PATH whose `lemming` is the built CLI, as `npm install -g .` links it. */
function pathWithLemming(): string {
  // Made once for the file (tempDir's folders go after each test); removed after the last one.
  const bin = mkdtempSync(join(tmpdir(), 'lemming-bin-'));
  afterAll(() => rmSync(bin, { recursive: true, force: true }));
  writeFileSync(join(bin, 'lemming'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`);
  chmodSync(join(bin, 'lemming'), 0o755);
  return `${bin}:${process.env.PATH ?? ''}`;
}

const ENV = { ...process.env, PATH: pathWithLemming(), NO_COLOR: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

/** Run a block's commands in `cwd` with bash, stopping at the first that fails; standard input closed. */
function sh(cwd: string, text: string, timeoutMs = 110_000): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', text], { cwd, env: ENV, encoding: 'utf8', input: '', timeout: timeoutMs });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function expectRuns(cwd: string, text: string, timeoutMs?: number): string {
  const result = sh(cwd, text, timeoutMs);
  expect({ status: result.status, stderr: result.stderr }, `${text}\n${result.stdout}`).toEqual({ status: 0, stderr: expect.any(String) });
  return result.stdout;
}

/**
 * A folder outside the repository holding an org that `lemming bootstrap` wrote: a copy of the one
 * it wrote once for this file (the examples run here start from a dozen and more of them).
 */
const bootstrapped = bootstrappedOrg();

/** The org a first task leaves: bootstrapped, the manager sent "First task", and run to idle. */
const ranFirstTask = builtOrg((root) => {
  step(root, ['bootstrap']);
  step(root, ['send', 'manager', 'First task']);
  step(root, ['run']);
});

/** The lines of a block as separate commands (comments kept: bash ignores them). */
function commands(block: Block): string[] {
  return block.text.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}

/**
 * `lemming validate` in an org: exit 0 and no error (warnings are allowed). It checks what the
 * examples configure, not a command of theirs, so it runs in this process (tests/helpers/cli.ts),
 * the same program as the binary on PATH without a Node process each; `path` is the PATH it sees.
 */
function expectValid(folder: string, path = ENV.PATH): void {
  const result = lemming(folder, ['validate'], { PATH: path });
  expect(result.stdout + result.stderr).not.toMatch(/^error/m);
  expect(result.status, result.stdout + result.stderr).toBe(0);
}

// Each test runs many commands as a reader would; on a loaded machine that is minutes, so the backstop is 300 s, not 120.
describe("the docs' examples (README.md and docs/*.md), run as written from a folder outside the repository", { timeout: 300_000 }, () => {
  test('every command and configuration example is run or checked here, or says why not', () => {
    const unclaimed = EXAMPLES.filter((block) => keyOf(block) === undefined).map((block) => `${block.file}:${block.line}: ${block.first}`);
    expect(unclaimed).toEqual([]);
    const claimed = new Set(EXAMPLES.map(keyOf));
    expect([...Object.keys(CHECKED), ...Object.keys(NOT_RUN)].filter((key) => !claimed.has(key))).toEqual([]);
  });

  test('`npm start` in a fresh clone runs the demo to an answered request and leaves the working tree clean', { timeout: 300_000 }, () => {
    const clone = join(tempDir('lemming-clone-'), 'lemming');
    expect(spawnSync('git', ['clone', '-q', REPO_ROOT, clone], { env: ENV }).status).toBe(0);
    // The link and the built dist/ stand for what `npm install` made (its `prepare` builds): the
    // repository's own, built by `npm test` from these very sources, stamped as built after the
    // clone so `npm start` does not compile them again (a CPU minute). A build from nothing is
    // tests/e2e/build.test.ts's, and .ci/run's on a clean clone. The repository's own .gitignore
    // must cover what the demo writes.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(clone, 'node_modules'));
    writeFileSync(join(clone, '.git/info/exclude'), 'node_modules\n');
    cpSync(join(REPO_ROOT, 'dist'), join(clone, 'dist'), { recursive: true });
    const stamp = join(clone, 'dist', '.build-stamp.json');
    writeFileSync(stamp, JSON.stringify({ ...(JSON.parse(readFileSync(stamp, 'utf8')) as object), startedAt: Date.now() }));
    const setUp = commands(example('npm install && npm start'))[0]?.replace('npm install && ', '') ?? '';
    const started = expectRuns(clone, setUp);
    expect(started).toMatch(/dist\/ is up to date with src\//);
    // The command the first line suggests works as printed, from where `npm start` ran.
    const followUp = /^demo org: (.*\/\.demo) \(follow up with commands like `((?:npx )?lemming inbox)`; from any other folder, add --root \1\)$/m.exec(started)?.[2];
    expect(followUp, started).toBeDefined();
    expect(started).toMatch(/the org is idle/);
    expect(started).toMatch(/Latest reply to the human: agents\/manager\/outbox\/000005-001-human\.md/);
    expect(spawnSync('git', ['status', '--porcelain'], { cwd: clone, encoding: 'utf8' }).stdout).toBe('');
    expect(expectRuns(clone, 'npx lemming requests')).toMatch(/answered by manager in turn 5/);
    expect(expectRuns(clone, followUp ?? '')).toMatch(/000005-001-human/);
    // The README's figures are what this run printed: its thread and requests as shown, and the summary's
    // tokens and credits in its prose. They hold where the coder can run its tests (bubblewrap, python3).
    if (SANDBOX_PROBLEM) return;
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const shown = /^```\n(\$ npx lemming thread 000000-human-001\n[\s\S]*?)^```$/m.exec(readme)?.[1] ?? '';
    for (const part of shown.split(/^(?=\$ )/m)) {
      const [command = '', ...printed] = part.trimEnd().split('\n');
      expect(expectRuns(clone, command.replace(/^\$ /, '')).trimEnd(), command).toBe(printed.join('\n'));
    }
    const summary = /; ([\d,]+ tokens), ([\d.]+) credits spent\./.exec(started);
    expect(readme).toContain(`the run's summary\n(${summary?.[1] ?? '?'}, ${summary?.[2] ?? '?'} credits)`);
    const request = /, ([\d,]+ tokens), [\d.]+ credits$/m.exec(shown)?.[1];
    expect(readme).toContain(`The request's ${request ?? '?'} are those of the calls that wrote its messages`);
  });

  test('a session, chat, search, threads and traces, record and replay, serving', async () => {
    const folder = tempDir('lemming-readme-');
    const session = expectRuns(folder, example('lemming bootstrap                       # write the default org').text);
    expect(session).toMatch(/manager -> human: Re: Release notes/);
    expectRuns(folder, example('lemming chat                 # take part').text);
    expect(expectRuns(folder, example('echo "Write release notes for 1.2" | lemming chat --drive').text)).toMatch(/manager → you \(reply to/);
    const found = expectRuns(folder, example('lemming search "release notes"').text);
    expect(found).toMatch(/000005-manager-001 manager -> planner|000005-manager-001 manager -> human/);
    expect(found).toMatch(/You are manager, Engineering manager/);
    expectRuns(folder, example('mkdir -p runs').text);
    for (const line of commands(example('lemming serve                 # http://127.0.0.1:4780'))) {
      const command = line.replace(/\s+#.*$/, '');
      const port = command.includes('run --serve') ? '--port 0 --plain' : '--port 0';
      await startedAndStopped(folder, `${command} ${port}`);
    }
  });

  test('your own model in five lines: every agent but the human names the model, and the org is valid', () => {
    const home = tempDir('lemming-home-');
    const [bootstrap, switched] = commands(example('lemming bootstrap --root ~/my-org && cd ~/my-org'));
    expectRuns(home, `export HOME=${JSON.stringify(home)}\n${bootstrap}\n${switched}`);
    const org = join(home, 'my-org');
    for (const agent of ['manager', 'planner', 'hr', 'coder_01', 'janitor']) {
      expect(readFileSync(join(org, 'agents', agent, 'resume.md'), 'utf8')).toMatch(/^model: gpt-4o-mini$/m);
    }
    expectValid(org);
  });

  test('moving and backing up an org; several orgs on one dashboard', async () => {
    const parent = tempDir('lemming-readme-');
    const lab = join(parent, 'lab');
    ranFirstTask(lab);
    const moved = expectRuns(lab, example('lemming export lab.tar.gz').text);
    expect(moved).toMatch(/exported org "lemming-default" at turn 5 to .*lab\.tar\.gz/);
    expect(moved).toMatch(/imported org "lemming-default" \(exported at turn 5, .*\) into .*lab-moved: .*goes on with turn 6/);
    expect(moved).toMatch(/backed up org "lemming-default" at turn 5 to .*backups\/backup-.*\.tar\.gz/);
    expect(expectRuns(join(parent, 'lab-moved'), 'lemming status')).toMatch(/at turn 5/);
    cpSync(join(parent, 'lab-moved'), join(parent, 'desk'), { recursive: true });
    mkdirSync(join(parent, 'experiments', 'study'), { recursive: true });
    cpSync(lab, join(parent, 'experiments', 'study', 'baseline-r1'), { recursive: true });
    cpSync(lab, join(parent, 'experiments', 'study', 'baseline-r2'), { recursive: true });
    const [both, study] = commands(example('lemming serve --root lab --root desk'));
    expect(await startedAndStopped(parent, `${both?.replace(/\s+#.*$/, '')} --port 0`)).toMatch(/lab: \/o\/lab\/ .*\n\s+desk: \/o\/desk\//);
    expect(await startedAndStopped(parent, `${study?.replace(/\s+#.*$/, '')} --port 0`)).toMatch(/baseline-r1: \/o\/baseline-r1\/ .*\n\s+baseline-r2: \/o\/baseline-r2\//);
  });

  test('committing and cloning an org', () => {
    const parent = tempDir('lemming-readme-');
    ranFirstTask(join(parent, 'my-org'));
    const output = expectRuns(parent, example('cd my-org && git init').text);
    expect(output).toMatch(/\[turn 6\] human -> manager/);
  });

  test('configuration: org.yaml, the chart, a resume, a message, the model registry, fallbacks and engine settings are valid as written', () => {
    const orgYaml = bootstrapped();
    writeFileSync(join(orgYaml, 'org/org.yaml'), example('name: my-org').text);
    expectValid(orgYaml);

    const chart = bootstrapped();
    writeFileSync(join(chart, 'org/chart.yaml'), example('agents:').text);
    expectValid(chart);

    const resume = bootstrapped();
    writeFileSync(join(resume, 'agents/manager/resume.md'), example('---\ntitle: Engineering manager').text);
    expectValid(resume);

    const message = bootstrapped();
    mkdirSync(join(message, 'agents/manager/outbox'), { recursive: true });
    writeFileSync(join(message, 'agents/manager/outbox/000012-001-planner.md'), example('---\nid: 000012-manager-001').text);
    const thread = JSON.parse(expectRuns(message, 'lemming thread 000012-manager-001 --json')) as { messages: Array<{ subject?: string; replyTo?: string }> };
    expect(thread.messages[0]).toMatchObject({ subject: 'Break the release into tasks', replyTo: '000011-human-001' });

    const registry = bootstrapped();
    const defaults = readFileSync(join(registry, 'org/org.yaml'), 'utf8');
    const offline = /\n {2}offline:\n(?: {4}.*\n)+/.exec(defaults)?.[0] ?? '';
    writeFileSync(join(registry, 'org/org.yaml'), `${defaults.slice(0, defaults.indexOf('\nmodels:'))}\n${example('models:\n  gpt-4o-mini:').text}${offline.slice(1)}`);
    expectValid(registry);
    const fallbacks = readFileSync(join(registry, 'agents/manager/resume.md'), 'utf8').replace(/^model: .*$/m, example('model: [gpt-4o-mini').text.trim());
    writeFileSync(join(registry, 'agents/manager/resume.md'), fallbacks);
    expectValid(registry);

    const engine = bootstrapped();
    const withEngine = readFileSync(join(engine, 'org/org.yaml'), 'utf8').replace(/\nengine:\n(?:(?: {2}.*)?\n)+?(?=\n# |\nmodels:)/, `\n${example('engine:\n  queue:').text}`);
    expect(withEngine).toContain('queue_checks:');
    writeFileSync(join(engine, 'org/org.yaml'), withEngine);
    expectValid(engine);

    const routing = bootstrapped();
    writeFileSync(join(routing, 'org/routing.yaml'), example('# org/routing.yaml').text);
    expectValid(routing);
  });

  test('commands in a sandbox, outside agents and notifications: configuration valid as written', () => {
    for (const start of ['command_tools:\n  run_python:', 'command_tools:\n  count_words:', 'mcp_servers:\n  search:', 'notify:']) {
      const folder = bootstrapped();
      writeFileSync(join(folder, 'org/org.yaml'), `${readFileSync(join(folder, 'org/org.yaml'), 'utf8')}\n${example(start).text}`);
      expectValid(folder);
    }

    const sandbox = bootstrapped();
    const settings = example('engine:\n  sandbox:').text.split('\n').slice(1).join('\n');
    writeFileSync(join(sandbox, 'org/org.yaml'), readFileSync(join(sandbox, 'org/org.yaml'), 'utf8').replace(/\nengine:\n/, `\nengine:\n${settings}`));
    expectValid(sandbox);

    // Each model entry as the registry, beside the offline model the agents use; its program stood in for where it needs an account.
    const entries: Array<[string, string]> = [
      ['models:\n  reviewer-script:', 'bin/reviewer.sh'],
      ['models:\n  triage-bot:', ''],
      ['claude-code:', 'tools/claude'],
      ['codex:', 'tools/codex'],
      ['aider:', 'bin/aider-agent.sh'],
    ];
    for (const [start, program] of entries) {
      const folder = bootstrapped();
      if (program !== '') {
        mkdirSync(join(folder, program, '..'), { recursive: true });
        const script = start === 'aider:' ? example('#!/bin/sh\nprompt=$(mktemp)').text : '#!/bin/sh\necho "Nothing new for me."\n';
        writeFileSync(join(folder, program), script);
        chmodSync(join(folder, program), 0o755);
      }
      const defaults = readFileSync(join(folder, 'org/org.yaml'), 'utf8');
      const offline = /\n {2}offline:\n(?: {4}.*\n)+/.exec(defaults)?.[0] ?? '';
      const entry = example(start).text.trimStart().startsWith('models:') ? example(start).text : `models:\n${example(start).text}`;
      writeFileSync(join(folder, 'org/org.yaml'), `${defaults.slice(0, defaults.indexOf('\nmodels:'))}\n${entry}${offline.slice(1)}`);
      expectValid(folder, program.startsWith('tools/') ? `${join(folder, 'tools')}:${ENV.PATH}` : ENV.PATH);
    }
  });

  test('templates: the list as the docs show it, bootstrapping and a demo from templates, and a hire from an agent template', () => {
    const folder = bootstrapped();
    const listed = example('$ lemming templates');
    const printed = expectRuns(folder, listed.text.split('\n')[0]?.replace(/^\$ /, '') ?? '').replaceAll(folder, '/home/me/my-org');
    expect(printed.trimEnd()).toBe(listed.text.split('\n').slice(1).join('\n').trimEnd());

    const home = tempDir('lemming-home-');
    expectRuns(folder, 'lemming bootstrap --root my-template');
    const ran = sh(folder, `export HOME=${JSON.stringify(home)}\n${example('lemming bootstrap --template newsroom').text}`);
    expect(ran.status, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/the org is idle/);
    for (const org of ['newsroom', 'desk', 'mine']) expectValid(join(home, org));

    const hiring = bootstrapped();
    writeFileSync(join(hiring, 'org/templates/tester.md'), example('---\ntitle: "Tester: tests the work').text);
    expectRuns(hiring, 'lemming add-agent tester_01 --template tester --reports-to manager');
    expect(readFileSync(join(hiring, 'agents/tester_01/resume.md'), 'utf8')).toMatch(/^title: "?Tester: tests the work and reports the bugs it finds/m);
    expectValid(hiring);
  });

  test('MCP servers: the example server starts after install, and the writer granted its tool calls it and reports what it returned', () => {
    const folder = bootstrapped();
    writeFileSync(join(folder, 'org/org.yaml'), `${readFileSync(join(folder, 'org/org.yaml'), 'utf8')}\n${example('mcp_servers:\n  text:').text}`);
    expectValid(folder);
    const output = expectRuns(folder, example('lemming add-agent writer').text);
    expect(output).toMatch(/writer step 1: text__word_count \{"text":"Release notes for version 2\.0"\} → \d+ chars/);
    expect(output).toMatch(/0 error\(s\)/);
    expect(output).toContain('5 word(s), 1 line(s), 29 character(s)');
  });

  test('hiring: approvals, approve and reject, each from an org where hr proposed a hire', () => {
    const base = bootstrapped();
    expectRuns(base, 'lemming send manager "Hiring: please hire another coder for the release" && lemming run');
    for (const line of commands(example('lemming approvals'))) {
      const copy = tempDir('lemming-readme-');
      cpSync(base, copy, { recursive: true });
      expectRuns(copy, line);
    }
  });

  test('the experiment: run as written, its table as the docs show it (all but the wall time)', () => {
    const folder = bootstrapped();
    writeFileSync(join(folder, 'study.yaml'), example('# study.yaml').text);
    const console = example('$ lemming experiment study.yaml');
    const command = console.text.split('\n')[0]?.replace(/^\$ /, '') ?? '';
    const printed = expectRuns(folder, command);
    expect(printed).toContain(console.text.split('\n')[1] ?? '-');
    // The variants table: its rows end with a wall time (left out), which the rows against the baseline do not.
    const rows = (text: string): string[] => text.split('\n').filter((line) => /^\| (baseline|tight-manager|no-planner) \|.* s \|$/.test(line)).map((line) => line.replace(/\| [\d.]+ s \|$/, '|'));
    const report = readFileSync(join(folder, 'experiments/study/report.md'), 'utf8');
    expect(rows(pageOf('$ lemming experiment study.yaml'))).toEqual(rows(report).slice(0, 3));

    // Two of its runs compared: they differ (exit 1), and the output begins as the docs show it.
    const [diffLine, ...shown] = example('$ lemming diff experiments/study/baseline-r1').text.trimEnd().split('\n');
    const diff = sh(folder, diffLine?.replace(/^\$ /, '') ?? '-');
    expect(diff.status, diff.stderr).toBe(1);
    expect(diff.stdout.split('\n').slice(0, shown.length)).toEqual(shown);
  });

  test('the planner study: run as written, its table against the baseline as the docs show it', () => {
    const folder = bootstrapped();
    writeFileSync(join(folder, 'planner.yaml'), example('# planner.yaml').text);
    expectRuns(folder, 'lemming experiment planner.yaml');
    const rows = (text: string): string[] => text.split('\n').filter((line) => /^\| no-planner \| [a-z ]+( \((higher|lower) is better\))? \|/.test(line));
    const report = readFileSync(join(folder, 'experiments/planner/report.md'), 'utf8');
    const page = pageOf('# planner.yaml');
    expect(rows(page)).toHaveLength(6);
    expect(rows(report)).toEqual(rows(page));
    // The organisation measured: the findings per variant and the messages per edge, as the page shows them.
    const section = page.slice(page.indexOf('# planner.yaml'), page.indexOf('## The organisation measured: `lemming analyze`'));
    const network = (text: string): string[] => text.split('\n').filter((line) => /^\| (baseline|no-planner) \| 5 \| [\d.]+ \[/.test(line) || /^\| [a-z_0-9]+ → [a-z_0-9]+ \| [\d.]+ \| [\d.]+ \|$/.test(line));
    expect(network(section)).toHaveLength(12);
    expect(network(report)).toEqual(network(section));
  });

  test('the interventions and the survey: one experiment of the two examples, run on the default org; every intervention is carried out and the survey is reported', () => {
    const folder = bootstrapped();
    const file = `name: changes\nturns: 6\nrepeats: 1\nmessages:\n  - to: manager\n    subject: Release notes\n    body: Please get the release notes written.\n${example('variants:\n  - name: interrupted').text}${example('survey:\n  - question:').text}`;
    writeFileSync(join(folder, 'changes.yaml'), file);
    expectRuns(folder, 'lemming experiment changes.yaml');
    const run = join(folder, 'experiments/changes/interrupted');
    const journal = readFileSync(join(run, 'org/state/interventions.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { index: number; status: string; reason?: string });
    // Six interventions, each done: none failed.
    expect(journal.filter((entry) => entry.status !== 'started')).toEqual([0, 1, 2, 3, 4, 5].map((index) => expect.objectContaining({ index, status: 'done' })));
    expect(readFileSync(join(folder, 'experiments/changes/report.md'), 'utf8')).toContain('Survey');
  });

  test('a MultiAgentBench row: imported, its coordination modes run as an experiment, the report\'s first table as the docs show it', () => {
    const folder = tempDir('lemming-readme-');
    writeFileSync(join(folder, 'research.jsonl'), `${JSON.stringify(JSON.parse(example('{\n  "scenario": "research",').text))}\n`);
    const console = example('$ lemming import-marble research.jsonl');
    const lines = console.text.trimEnd().split('\n');
    const printed: string[] = [];
    for (const line of lines.filter((each) => each.startsWith('$ '))) printed.push(...expectRuns(folder, line.slice(2)).trimEnd().split('\n'));
    for (const line of lines.filter((each) => !each.startsWith('$ '))) expect(printed).toContain(line);
    const rows = (text: string): string[] => text.split('\n').filter((line) => /^\| (star|chain) \| [a-z ]+( \((higher|lower) is better\))? \|/.test(line));
    const report = readFileSync(join(folder, 'marble-research-1/experiments/marble-research-1/report.md'), 'utf8');
    const page = pageOf('$ lemming import-marble research.jsonl');
    expect(rows(page)).toHaveLength(10);
    expect(rows(report)).toEqual(rows(page));
  });
});

/** Start a command that serves until Ctrl-C, see it print its URL, stop it, and see it exit 0. */
function startedAndStopped(cwd: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `exec ${command}`], { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    let killed = false;
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      // Its URL, then the line it prints as it starts waiting for Ctrl-C.
      // Once: a second Ctrl-C quits at once, as it does for a person.
      if (killed || !/http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(text) || !/it runs no turns|waiting for mail/.test(text)) return;
      killed = true;
      child.kill('SIGINT');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code, signal) => (code === 0 ? resolve(text) : reject(new Error(`${command} exited ${code} (${signal}, killed here: ${killed}): ${text}`))));
  });
}
