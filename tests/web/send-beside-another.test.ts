import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { defaultOrgHumanToHr, listOutbox, read } from '../helpers/temp-org.js';
import { getJson, serveOrg } from './web-server.js';

type Listing = (...args: unknown[]) => unknown;

/**
 * Run `work` with `between` run once right after this thread's first listing of `folder`, before
 * the listing is used: what another process writing there at that moment would do.
 */
async function afterFirstListing<T>(folder: string, between: () => void, work: () => Promise<T>): Promise<T> {
  const module = fs as unknown as Record<string, Listing>;
  const original = module.readdirSync as Listing;
  let done = false;
  module.readdirSync = function listing(this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    if (!done && String(args[0]).endsWith(folder)) {
      done = true;
      between();
    }
    return result;
  };
  syncBuiltinESMExports();
  try {
    return await work();
  } finally {
    module.readdirSync = original;
    syncBuiltinESMExports();
  }
}

describe('the dashboard sends while another process sends as the human', () => {
  test('`lemming send` writing between the page\'s look at the outbox and its write: two messages, two ids, both listed and both found', async () => {
    const root = defaultOrgHumanToHr();
    const server = await serveOrg(root);
    let terminal = '';
    const answer = await afterFirstListing(
      'agents/human/outbox',
      () => {
        const sent = lemming(root, ['send', 'hr', 'From the terminal']);
        expect(sent.status, sent.stderr).toBe(0);
        terminal = sent.stdout;
      },
      () =>
        fetch(`${server.base}/api/send`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ to: 'manager', body: 'From the page' }),
        }),
    );
    expect(answer.status).toBe(201);
    const page = (await answer.json()) as { id: string; file: string };
    expect(terminal).toContain('sent 000000-human-001 to hr');
    expect(page.id).toBe('000000-human-002');
    const files = listOutbox(root, 'human');
    expect(files).toEqual(['000000-001-hr.md', '000000-002-manager.md']);
    const ids = files.map((file) => /^id: (.+)$/m.exec(read(root, `agents/human/outbox/${file}`))?.[1]);
    expect(new Set(ids).size).toBe(2);
    const listed = await getJson<{ total: number; messages: Array<{ id: string }> }>(server, '/api/messages');
    expect(listed.body.messages.map((message) => message.id).sort()).toEqual(['000000-human-001', '000000-human-002']);
    // No claim of a number is left behind.
    expect(fs.readdirSync(`${root}/agents/human/outbox`).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});
