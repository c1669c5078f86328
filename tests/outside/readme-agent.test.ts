import { appendFileSync, chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { pageContaining } from '../helpers/docs.js';
import { tempDir } from '../helpers/org-files.js';
import { checkInvariants } from '../faults/invariants.js';
import { chargeLines } from './outside-org.js';

/** The first fenced block of `language` after `heading`, in the page of the docs that holds it (docs/outside-agents.md). */
function readmeBlock(heading: string, language: string): string {
  const readme = pageContaining(heading).text;
  const section = readme.indexOf(heading);
  expect(section).toBeGreaterThanOrEqual(0);
  const start = readme.indexOf(`\`\`\`${language}\n`, section) + language.length + 4;
  return readme.slice(start, readme.indexOf('\n```\n', start) + 1);
}

test("the README's worked example: a shell script fills coder_01's seat in the default org, reports to the planner, and the human gets the answer", () => {
  const heading = '## A worked example: a shell script in the default org\n';
  const root = tempDir();
  expect(lemming(root, ['bootstrap']).status).toBe(0);
  const script = readmeBlock(heading, 'sh');
  expect(script).toMatch(/^#!\/bin\/sh\n/);
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'bin', 'coder.sh'), script);
  chmodSync(join(root, 'bin', 'coder.sh'), 0o755);
  appendFileSync(join(root, 'org', 'org.yaml'), readmeBlock(heading, 'yaml'));
  const resume = join(root, 'agents', 'coder_01', 'resume.md');
  writeFileSync(resume, readFileSync(resume, 'utf8').replace(/^model: offline$/m, 'model: coder-script'));

  expect(lemming(root, ['validate']).status).toBe(0);
  expect(lemming(root, ['doctor']).stdout).toContain(`ok   coder-script (command, for coder_01): runs ${root}/bin/coder.sh`);
  expect(lemming(root, ['send', 'manager', 'Plan the release']).status).toBe(0);
  const run = lemming(root, ['run', '--plain']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('the org is idle');
  expect(run.stdout).toMatch(/coder_01 -> planner: Re: Plan the release/);
  // What a person followed the example for: the answer reaches them, and nothing waits on the script.
  expect(run.stdout).toContain('1 message waits for you');
  const requests = lemming(root, ['requests']);
  expect(requests.stdout).toMatch(/answered by manager in turn \d+/);
  expect(requests.stdout).not.toContain('waiting on');
  const answers = readdirSync(join(root, 'agents', 'manager', 'outbox')).filter((name) => name.endsWith('-human.md'));
  expect(answers).toHaveLength(1);
  expect(readFileSync(join(root, 'agents', 'manager', 'outbox', answers[0] ?? ''), 'utf8')).toMatch(/I read the task and kept it as notes\/turn-\d+\.md in my workspace\./);

  const notes = readdirSync(join(root, 'agents', 'coder_01', 'workspace', 'notes'));
  expect(notes.length).toBeGreaterThanOrEqual(1);
  const reports = readdirSync(join(root, 'agents', 'coder_01', 'outbox')).map((name) => readFileSync(join(root, 'agents', 'coder_01', 'outbox', name), 'utf8'));
  expect(reports).toHaveLength(1);
  expect(reports[0]).toMatch(/I read the task and kept it as notes\/turn-\d+\.md in my workspace\./);
  // Every answer of the script cost its price per call; its tokens were estimated, at 0.
  const charges = chargeLines(root).filter((charge) => charge.agent === 'coder_01');
  expect(charges.length).toBe(notes.length);
  expect(charges.every((charge) => charge.credits === 0.001 && charge.estimated === true)).toBe(true);
  expect(checkInvariants(root)).toEqual([]);
});
