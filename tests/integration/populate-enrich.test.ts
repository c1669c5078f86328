import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { populate } from '../../src/population/populate.js';
import { tempDir } from '../helpers/org-files.js';
import { chatCompletion, errorBody } from '../helpers/vendor-bodies.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A template whose registry has one model: an OpenAI-compatible server at `url`. */
function templateAt(url: string): string {
  const folder = tempDir();
  mkdirSync(join(folder, 'org'));
  writeFileSync(
    join(folder, 'org/org.yaml'),
    `name: x\nmodels:\n  local:\n    provider: openai-compatible\n    model: small\n    base_url: ${url}/v1\n    input_price: 1\n    output_price: 2\n    context_window: 8000\n    max_retries: 0\n`,
  );
  return folder;
}

test('--enrich on a local OpenAI-compatible server: a biography per agent, each call charged to the research account; a call that fails leaves that resume as it was and is named', async () => {
  server = await startWireServer((request) => {
    const content = String(request.body.messages.at(-1).content);
    const name = /<persona name="([^"]+)"/.exec(content)?.[1] ?? '?';
    if (name === 'agent_00003') return { status: 400, body: errorBody('this prompt is not allowed', 'invalid_request_error') };
    return { body: chatCompletion({ content: `${name} has sold shoes for years.`, usage: { prompt_tokens: 100, completion_tokens: 10 } }) };
  });
  const spec = join(tempDir(), 'people.yaml');
  writeFileSync(spec, 'name: shop\nsize: 5\nattributes:\n  seniority: { shares: { junior: 0.6, senior: 0.4 } }\nroles:\n  member: { title: "Clerk: sells shoes", model: local, credits: 0.2 }\n');
  const root = tempDir();

  const report = await populate(spec, root, { template: templateAt(server.url), enrich: { model: 'local' } });
  expect(server.requests).toHaveLength(5);
  // The request is the biography's: no tools, the persona as markup, its answer capped.
  expect(server.requests[0]?.body.tools).toBeUndefined();
  expect(server.requests[0]?.body.max_tokens ?? server.requests[0]?.body.max_completion_tokens).toBe(300);
  expect(report.enriched?.written).toBe(4);
  expect(report.enriched?.failed).toEqual([{ agent: 'agent_00003', error: expect.stringContaining('this prompt is not allowed') }]);
  expect(readFileSync(join(root, 'agents/agent_00001/resume.md'), 'utf8')).toMatch(/\n## Biography\n\nagent_00001 has sold shoes for years\.\n$/);
  expect(readFileSync(join(root, 'agents/agent_00003/resume.md'), 'utf8')).not.toContain('## Biography');

  // 100 tokens in at 1 and 10 out at 2 credits per million: 0.00012 a call, four calls answered.
  const research = readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; purpose: string; agent: string; credits: number });
  expect(research.map((line) => [line.type, line.purpose, line.agent, line.credits])).toEqual(['agent_00001', 'agent_00002', 'agent_00004', 'agent_00005'].map((agent) => ['research', 'enrich', agent, 0.00012]));
  expect(report.enriched?.credits).toBe(0.00048);
});
