import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadOrg } from '../../src/org/load-org-once.js';
import { lemming } from '../helpers/cli.js';
import { fencedBlock } from '../helpers/docs.js';
import { defaultOrg, REPO_ROOT } from '../helpers/temp-org.js';

const page = (): string => readFileSync(join(REPO_ROOT, 'docs/spending.md'), 'utf8');

describe("docs/spending.md's settings, as written", () => {
  test('the org and department ceiling, and the loop breakers, are valid in the default org and load as the page says', () => {
    const root = defaultOrg();
    const orgYaml = join(root, 'org/org.yaml');
    const breakers = fencedBlock(page(), 'engine:\n  breakers:').replace(/^engine:\n/, '');
    writeFileSync(orgYaml, `${readFileSync(orgYaml, 'utf8').replace(/^engine:\n/m, `engine:\n${breakers}`)}\n${fencedBlock(page(), 'budget:\n')}`);
    const checked = lemming(root, ['validate']);
    expect(checked.stdout + checked.stderr).not.toMatch(/error|invalid/i);
    expect(checked.status).toBe(0);
    const { org } = loadOrg(root);
    expect(org.settings.breakers).toMatchObject({ ping_pong: expect.anything(), repeated_messages: expect.anything(), escalation_storm: expect.anything() });
  });
});
