import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { resume, write } from '../helpers/org-files.js';
import { startWireServer } from '../helpers/wire-server.js';
import { chargeLines, entryYaml, outsideOrg, sendBlock } from './outside-org.js';

describe('lemming doctor', () => {
  test('says for each model the agents use whether it can answer here, and with --call asks each one; nothing is charged', async () => {
    const agent = await startWireServer(() => ({ body: { text: 'OK', usage: { input_tokens: 30, output_tokens: 1 } } }));
    try {
      const org = outsideOrg({ provider: 'command' });
      org.plan({ manager: [{ say: `OK\n${sendBlock('human', 'not sent: no turn runs')}` }] });
      // Three more seats: an HTTP agent with its header, a local server nothing listens at, a vendor without its key.
      write(
        org.root,
        'org/org.yaml',
        `${readFileSync(join(org.root, 'org', 'org.yaml'), 'utf8')}${[
          entryYaml('hooked', { provider: 'http', url: `${agent.url}/hook`, headers: { Authorization: 'HOOK_TOKEN' }, input_price: 0, output_price: 0, context_window: 8000 }),
          entryYaml('local', { provider: 'openai-compatible', model: 'llama3.1', base_url: 'http://127.0.0.1:9/v1', input_price: 0, output_price: 0, context_window: 8000 }),
          entryYaml('claude', { provider: 'anthropic', model: 'claude-3-5-haiku-latest', api_key_env: 'NO_SUCH_KEY_SET', input_price: 1, output_price: 1, context_window: 8000 }),
          '',
        ].join('\n')}`,
      );
      for (const [name, model] of [['hooker', 'hooked'], ['localist', 'local'], ['writer', 'claude']] as const) {
        write(org.root, `agents/${name}/resume.md`, resume({ title: name, model, credits: '1' }));
      }
      const env = { HOOK_TOKEN: 'Bearer hook-token-0123456789' };
      const checked = await lemmingAsync(org.root, ['doctor'], env);
      expect(checked.status).toBe(1);
      expect(checked.stdout.split('\n')).toEqual([
        `ok   agent (command, for manager): runs ${process.execPath}`,
        'FAIL claude (anthropic, for writer): NO_SUCH_KEY_SET is not set (in the environment or ' + org.root + '/.env)',
        `ok   hooked (http, for hooker): HOOK_TOKEN is set; ${agent.url}/hook answers`,
        'FAIL local (openai-compatible, for localist): cannot reach http://127.0.0.1:9/v1 (connection refused: nothing listens there)',
        '2 of 4 model(s) cannot answer here',
        '',
      ]);
      expect(agent.requests).toEqual([]);
      expect(org.calls()).toEqual([]);

      const called = await lemmingAsync(org.root, ['doctor', '--call', '--json'], env);
      const report = JSON.parse(called.stdout) as { ok: boolean; models: Array<{ modelKey: string; ok: boolean; answer?: { text: string; inputTokens: number } }> };
      expect(report.ok).toBe(false);
      expect(report.models.find((model) => model.modelKey === 'hooked')).toMatchObject({ ok: true, answer: { text: 'OK', inputTokens: 30 } });
      expect(report.models.find((model) => model.modelKey === 'agent')).toMatchObject({ ok: true, answer: { text: 'OK' } });
      expect(agent.requests[0]?.body).toMatchObject({ agent: 'hooker', turn: 0, messages: [{ role: 'user', content: expect.stringContaining('Reply with the single word OK') }] });
      expect(agent.requests[0]?.headers.authorization).toBe(env.HOOK_TOKEN);
      expect(org.calls()).toMatchObject([{ agent: 'manager', turn: 0, cwd: `${org.root}/agents/manager/workspace` }]);
      expect(chargeLines(org.root)).toEqual([]);
      expect(lemming(org.root, ['inbox']).stdout).not.toContain('not sent');
    } finally {
      await agent.close();
    }
  });
});
