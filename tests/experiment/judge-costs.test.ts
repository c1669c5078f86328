import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { judgeRun } from '../../src/experiment/judge.js';
import type { JudgeSetting } from '../../src/experiment/outcome-settings.js';
import { lemmingAsync } from '../helpers/cli.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';
import { defaultOrg, read, write } from '../helpers/temp-org.js';

const RUBRIC = ['release notes for version 2', 'risks named'];
const OPENING = [{ to: 'manager', subject: 'Release notes', body: 'Write the release notes for version 2.' }];

/** The default org with a model judge on the server at `url` (OpenAI-compatible, as llama.cpp serves), capped at 64 output tokens. */
function withJudge(root: string, url: string): string {
  write(
    root,
    'org/org.yaml',
    read(root, 'org/org.yaml').replace(
      'models:\n',
      `models:\n  judge:\n    provider: openai-compatible\n    model: judge-model\n    base_url: ${url}/v1\n    max_retries: 0\n    input_price: 100\n    output_price: 200\n    context_window: 8192\n    max_output_tokens: 64\n`,
    ),
  );
  return root;
}

function judge(root: string): ReturnType<typeof judgeRun> {
  const setting: JudgeSetting = { model: 'judge', rubric: RUBRIC, scale: 10, thread: false };
  return judgeRun(root, setting, OPENING, 1, () => new Date('2026-11-22T10:00:00.000Z'));
}

const servers: WireServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
async function judgeServer(): Promise<WireServer> {
  const server = await startWireServer(() => ({ body: chatCompletion({ content: 'SCORE: 4\nREASON: Notes, no risks.', usage: { prompt_tokens: 400, completion_tokens: 12 } }) }));
  servers.push(server);
  return server;
}

describe("a judge's calls cost what the registry says they may", () => {
  test("the judge's request carries the registry's max_output_tokens, as an agent's call does", async () => {
    const server = await judgeServer();
    const root = withJudge(defaultOrg(), server.url);
    write(root, 'agents/manager/outbox/000001-001-human.md', '---\nto: human\nsubject: Done\n---\nThe release notes for version 2 are written.\n');
    const result = await judge(root);
    expect(result).toMatchObject({ score: 4 });
    expect(server.requests.at(-1)?.body).toMatchObject({ model: 'judge-model', max_tokens: 64 });
  });

  test('a run with no answer is scored 0, said, and not judged: no call, no charge', async () => {
    const server = await judgeServer();
    const root = withJudge(defaultOrg(), server.url);
    const result = await judge(root);
    expect(server.requests).toEqual([]);
    expect(result).toEqual({ model: 'judge', score: 0, scale: 10, reason: 'the run gave the person no answer, so it scores 0; the judge was not asked' });
  });

  test("an experiment says before its first run what its judge may cost: its calls at the registry's prices, each at most max_output_tokens", { timeout: 120_000 }, async () => {
    const server = await judgeServer();
    const root = withJudge(defaultOrg(), server.url);
    writeFileSync(
      join(root, 'study.yaml'),
      `name: judged\nturns: 4\nrepeats: 2\nmessages:\n  - to: manager\n    subject: Release notes\n    body: Please get the release notes for version 2 written.\njudge:\n  model: judge\n  rubric:\n    - release notes for version 2\nvariants:\n  - name: baseline\n`,
    );
    const result = await lemmingAsync(root, ['experiment', join(root, 'study.yaml')]);
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stderr.split('\n');
    const estimate = lines.findIndex((line) => /^judge: 2 call\(s\) of judge, about [\d.]+ to at most [\d.]+ credits in all/.test(line));
    expect(estimate, result.stderr).toBeGreaterThanOrEqual(0);
    expect(estimate).toBeLessThan(lines.findIndex((line) => /baseline-r1: running/.test(line)));
    expect(lines[estimate]).toMatch(/each answer at most 64 output tokens: org\/org\.yaml models\.judge\.max_output_tokens\)/);
    // Every call it then made asked for no more than that.
    for (const request of server.requests) expect(request.body.max_tokens).toBe(64);
  });
});
