import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { defaultOrg } from '../helpers/temp-org.js';
import { startWatched, type WatchedProcess } from '../helpers/watched-process.js';

/** `lemming serve` on the org with a write fault armed (LEMMING_STORAGE_FAULT), its address and token once it prints them. */
async function serveWithFault(root: string, fault: string): Promise<{ served: WatchedProcess; base: string; token: string }> {
  const served = startWatched(root, ['serve', '--port', '0'], { LEMMING_STORAGE_FAULT: fault });
  await served.waitFor(/dashboard: http:\/\/\S+\?token=\S+/);
  const url = new URL(/dashboard: (http:\/\/\S+)/.exec(served.output())?.[1] ?? '');
  return { served, base: url.origin, token: url.searchParams.get('token') ?? '' };
}

function post(base: string, token: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Every file in a folder, temporaries included. */
function filesIn(root: string, folder: string): string[] {
  return readdirSync(join(root, folder)).sort();
}

describe("the dashboard's changes on a disk that refuses the write", () => {
  test.each([
    ['ENOSPC', 507, 'storage-full', 'the disk holding'],
    ['EROFS', 507, 'storage-read-only', 'the file system holding'],
  ])('a send that meets %s is answered %i, the disk named, not 400 (a field of the request): nothing is written, and sent again it is delivered once', async (fault, status, code, says) => {
    const root = defaultOrg();
    const { served, base, token } = await serveWithFault(root, `/outbox/:1:${fault}`);
    try {
      const refused = await post(base, token, '/api/send', { to: 'manager', body: 'Plan the first release' });
      const answer = (await refused.json()) as { error: string; message: string };
      expect(refused.status).toBe(status);
      expect(answer.error).toBe(code);
      expect(answer.message).toContain(`${says} ${root}`);
      expect(answer.message).toContain('writing agents/human/outbox/000000-001-manager.md');
      expect(filesIn(root, 'agents/human/outbox')).toEqual([]);

      const sent = await post(base, token, '/api/send', { to: 'manager', body: 'Plan the first release' });
      expect(sent.status).toBe(201);
      expect(filesIn(root, 'agents/human/outbox')).toEqual(['000000-001-manager.md']);
    } finally {
      await served.stop('SIGINT');
    }
  });

  test('a top-up that meets a full disk is answered 507 and the ledger keeps no line of it; asked again it is on the ledger once', async () => {
    const root = defaultOrg();
    const { served, base, token } = await serveWithFault(root, 'ledger.jsonl:1:ENOSPC');
    const ledger = (): string[] => readFileSync(join(root, 'org', 'state', 'ledger.jsonl'), 'utf8').split('\n').filter((line) => line.includes('"top-up"'));
    try {
      const refused = await post(base, token, '/api/top-up', { agent: 'manager', credits: 0.25 });
      expect(refused.status).toBe(507);
      expect(((await refused.json()) as { error: string }).error).toBe('storage-full');
      expect(ledger()).toEqual([]);

      expect((await post(base, token, '/api/top-up', { agent: 'manager', credits: 0.25 })).status).toBe(201);
      expect(ledger()).toHaveLength(1);
    } finally {
      await served.stop('SIGINT');
    }
  });
});
