import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { bootstrapOrg } from '../../src/org/bootstrap-org.js';
import { listMessageFiles, readMessageFile } from '../../src/mailbox/message-file.js';
import { humanSends, ofType, REPO_ROOT, runEngine, tempDir } from '../helpers/temp-org.js';

/** The research-lab template as a new user writes it, on the offline model. */
function lab(): string {
  const root = tempDir();
  bootstrapOrg(root, join(REPO_ROOT, 'templates', 'research-lab'), join(REPO_ROOT, 'templates', 'software-team'));
  return root;
}

/** What the human was sent, oldest first. */
function humanMail(root: string): Array<{ from: string; subject?: string; body: string }> {
  const mail: Array<{ from: string; subject?: string; body: string }> = [];
  for (const sender of readdirSync(join(root, 'agents'))) {
    for (const name of listMessageFiles(root, sender)) {
      const read = readMessageFile(root, sender, name, 0, 100_000);
      if ('message' in read && read.message.to === 'human') mail.push(read.message);
    }
  }
  return mail;
}

describe('the research lab on the offline model', () => {
  test('researchers write their findings where their resumes say, the reviewer reads them, and the person is told what was found', async () => {
    const root = lab();
    humanSends(root, 'lead', 'Please research whether pair programming reduces defects', 'Pair programming and defects');
    const events = await runEngine(root);

    // `shared/findings/` in the resumes is workspace/findings/ in the org: one file per researcher, none in their own workspaces.
    const findings = readdirSync(join(root, 'workspace', 'findings')).sort();
    expect(findings).toEqual(['pair-programming-and-defects-researcher_01.md', 'pair-programming-and-defects-researcher_02.md']);
    for (const researcher of ['researcher_01', 'researcher_02']) expect(existsSync(join(root, 'agents', researcher, 'workspace', 'work'))).toBe(false);

    // The reviewer read each of them, and no read failed.
    const reads = ofType(events, 'agent-step')
      .filter((step) => step.agent === 'reviewer')
      .flatMap((step) => step.tools)
      .filter((tool) => tool.name === 'read_file');
    expect(reads.map((read) => read.error)).toEqual([undefined, undefined]);
    expect(reads.map((read) => read.args).join('\n')).toContain('findings/pair-programming-and-defects-researcher_01.md');

    // The person hears the findings, where they are, and the reviewer's reading of them; no failure.
    const [answer, ...more] = humanMail(root);
    expect(more).toEqual([]);
    expect(answer?.from).toBe('lead');
    expect(answer?.body).toContain('workspace/findings/pair-programming-and-defects-researcher_01.md');
    expect(answer?.body).toContain('workspace/findings/pair-programming-and-defects-researcher_02.md');
    expect(answer?.body).toMatch(/Checked by reviewer:[\s\S]*I read workspace\/findings\/pair-programming-and-defects-researcher_01\.md/);
    expect(answer?.body).not.toMatch(/does not exist|could not read|could not save/);
    const written = readFileSync(join(root, 'workspace', 'findings', findings[0] ?? ''), 'utf8');
    expect(answer?.body).toContain(written.split('\n').find((line) => line.startsWith('- ')));
  });

  test('a question the lead cannot answer from its notes goes to the researchers, and the answer says so', async () => {
    const root = lab();
    humanSends(root, 'lead', 'Does remote work raise productivity?');
    const events = await runEngine(root);
    const sent = ofType(events, 'message-delivered').map((event) => `${event.message.from} -> ${event.message.to}`);
    expect(sent.slice(0, 3)).toEqual(['human -> lead', 'lead -> researcher_01', 'lead -> researcher_02']);
    const [answer, ...more] = humanMail(root);
    expect(more).toEqual([]);
    expect(answer?.body).toContain('My notes could not answer it, so I asked researcher_01 and researcher_02');
    expect(answer?.body).toContain('From researcher_01:');
    expect(answer?.body).not.toContain('Nothing has been finished and reported since my notes began.');
  });
});
