import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming, lemmingAsync, type CliResult } from '../helpers/cli.js';
import { defaultOrg } from '../helpers/temp-org.js';
import { getJson, serveOrg } from './web-server.js';

type Rename = (...args: unknown[]) => unknown;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

describe('the page marks mail read while `lemming inbox` does', () => {
  test('both marks are kept: the inbox has no unread mail after both, where before the later write dropped the earlier one\'s marks', async () => {
    const root = defaultOrg();
    for (const text of ['First note', 'Second note', 'Third note']) expect(lemming(root, ['send', '--from', 'manager', 'human', text]).status).toBe(0);
    const server = await serveOrg(root);
    const inbox = await getJson<{ messages: Array<{ id: string; unread: boolean }> }>(server, '/api/inbox');
    expect(inbox.body.messages.filter((message) => message.unread)).toHaveLength(3);
    const marks = join(root, 'org/state/human-read.json');
    const seen = (): string => (fs.existsSync(marks) ? fs.readFileSync(marks, 'utf8') : '');

    // Just before the page's marks go into place (it has read the file and merged its id), `lemming inbox`
    // runs beside it and is given up to 3 s to mark everything read, as another process would.
    const module = fs as unknown as Record<string, Rename>;
    const original = module.renameSync as Rename;
    let terminal: Promise<CliResult> | undefined;
    module.renameSync = function renaming(this: unknown, ...args: unknown[]) {
      if (terminal === undefined && String(args[1]) === marks) {
        const before = seen();
        terminal = lemmingAsync(root, ['inbox']);
        for (let waited = 0; waited < 3_000 && seen() === before; waited += 20) Atomics.wait(sleeper, 0, 0, 20);
      }
      return original.apply(this, args);
    };
    syncBuiltinESMExports();
    let answer: Response;
    try {
      answer = await fetch(`${server.base}/api/inbox/read`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ids: [inbox.body.messages[0]?.id] }),
      });
    } finally {
      module.renameSync = original;
      syncBuiltinESMExports();
    }
    expect(answer.status).toBe(200);
    expect(terminal).toBeDefined();
    const shown = await (terminal as Promise<CliResult>);
    expect(shown.status, shown.stderr).toBe(0);
    const after = await getJson<{ messages: Array<{ id: string; unread: boolean }> }>(server, '/api/inbox');
    expect(after.body.messages.filter((message) => message.unread).map((message) => message.id)).toEqual([]);
    expect(fs.readdirSync(join(root, 'org/state')).filter((name) => name.startsWith('lock.read'))).toEqual([]);
  }, 60_000);
});
