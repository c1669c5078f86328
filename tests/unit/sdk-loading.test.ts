import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { staticPackages } from '../helpers/import-graph.js';

const DIST = join(import.meta.dirname, '..', '..', 'dist');
const SDKS = ['openai', '@anthropic-ai/sdk'];

describe('vendor SDKs load only when a model is called', () => {
  test.runIf(existsSync(join(DIST, 'cli', 'main.js')))('status, and run up to its first call, import no SDK', () => {
    for (const command of ['program.js', 'commands/status.js', 'commands/run.js', 'commands/validate.js']) {
      const loaded = [...staticPackages(join(DIST, 'cli', command))];
      const sdks = loaded.filter((name) => SDKS.some((sdk) => name === sdk || name.startsWith(`${sdk}/`)));
      expect(sdks, command).toEqual([]);
    }
    // The adapters themselves do load their SDK: the walk sees static imports.
    expect([...staticPackages(join(DIST, 'providers', 'anthropic', 'anthropic-provider.js'))]).toContain('@anthropic-ai/sdk');
    expect([...staticPackages(join(DIST, 'providers', 'openai', 'openai-provider.js'))]).toContain('openai');
  });
});
