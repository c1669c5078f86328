import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Agent, Org } from '../../src/org/org.js';
import { keyVariableFor } from '../../src/org/org-secrets.js';
import { findMissingKeys, MissingApiKeyError } from '../../src/providers/api-keys.js';
import { parseDotEnv } from '../../src/secrets/dot-env.js';
import { keyLookup } from '../../src/secrets/key-lookup.js';
import { modelEntry } from '../helpers/provider-requests.js';
import { tempDir } from '../helpers/temp-dirs.js';

function agent(name: string, models: string[]): Agent {
  return {
    name,
    title: name,
    models,
    isHuman: models.includes('human'),
    credits: 1,
    schedule: { every: 0, offset: 0 },
    tools: ['send_message', 'remember'],
    sharedWorkspace: 'read',
    instructions: '',
    reportsTo: null,
    sendTo: '*',
    readFrom: '*',
    resumeFile: `agents/${name}/resume.md`,
  };
}

const org: Org = {
  root: '/org',
  name: 'test',
  settings: {} as Org['settings'],
  mcpServers: {},
  needsApproval: [],
  commandTools: {},
  web: { allow: [], max_bytes: 1, timeout_ms: 1 },
  models: {
    gpt: modelEntry({ provider: 'openai' }),
    claude: modelEntry({ provider: 'anthropic', api_key_env: 'CLAUDE_KEY' }),
    local: modelEntry({ provider: 'openai-compatible', base_url: 'http://localhost:11434/v1' }),
    router: modelEntry({ provider: 'openai-compatible', base_url: 'https://openrouter.ai/api/v1', api_key_env: 'OPENROUTER_API_KEY' }),
    offline: modelEntry({ provider: 'offline' }),
  },
  agents: new Map([
    ['coder', agent('coder', ['local'])],
    ['human', agent('human', ['human'])],
    ['manager', agent('manager', ['gpt', 'claude'])],
    ['planner', agent('planner', ['gpt'])],
    ['scout', agent('scout', ['router', 'offline'])],
  ]),
};

describe('API keys', () => {
  test('each vendor has a usual variable; a local server needs none unless the entry names one', () => {
    expect(keyVariableFor(modelEntry({ provider: 'openai' }))).toBe('OPENAI_API_KEY');
    expect(keyVariableFor(modelEntry({ provider: 'anthropic' }))).toBe('ANTHROPIC_API_KEY');
    expect(keyVariableFor(modelEntry({ provider: 'openai-compatible', base_url: 'http://x/v1' }))).toBeUndefined();
    expect(keyVariableFor(modelEntry({ provider: 'openai', api_key_env: 'WORK_OPENAI_KEY' }))).toBe('WORK_OPENAI_KEY');
  });

  test('a missing key names the variable, the models and every agent that needs it, and no value', () => {
    const missing = findMissingKeys(org, (variable) => (variable === 'CLAUDE_KEY' ? 'sk-present-value' : undefined));
    expect(missing).toEqual([
      { variable: 'OPENAI_API_KEY', models: ['gpt'], agents: ['manager', 'planner'] },
      { variable: 'OPENROUTER_API_KEY', models: ['router'], agents: ['scout'] },
    ]);
    const error = new MissingApiKeyError(missing);
    expect(error.code).toBe('missing-api-key');
    expect(error.message).toBe(
      'OPENAI_API_KEY is not set (needed by manager, planner for org/org.yaml models gpt); ' +
        'OPENROUTER_API_KEY is not set (needed by scout for org/org.yaml models router). ' +
        'Set it in the environment or in a .env file in the org root (a line like OPENAI_API_KEY=...), or give those agents another model.',
    );
    expect(error.message).not.toContain('sk-present-value');
  });

  test('keys come from the environment first, then the root .env', () => {
    const root = tempDir('lemming-keys-');
    writeFileSync(join(root, '.env'), 'OPENAI_API_KEY=from-file\nCLAUDE_KEY="from file too"\n');
    const lookup = keyLookup(root, { OPENAI_API_KEY: 'from-env', EMPTY: '' });
    expect(lookup('OPENAI_API_KEY')).toBe('from-env');
    expect(lookup('CLAUDE_KEY')).toBe('from file too');
    expect(lookup('EMPTY')).toBeUndefined();
    expect(lookup('NOWHERE')).toBeUndefined();
  });

  test('.env lines: comments, export, quotes and escapes', () => {
    const parsed = parseDotEnv(
      [
        '# a comment',
        'export A=plain # trailing comment',
        "B='single # kept'",
        'C="double\\nline \\"quoted\\""',
        'D=',
        'not a line',
        'E = spaced ',
      ].join('\r\n'),
    );
    expect(Object.fromEntries(parsed)).toEqual({ A: 'plain', B: 'single # kept', C: 'double\nline "quoted"', D: '', E: 'spaced' });
  });
});
