import { existsSync, rmSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { countFsWork } from '../helpers/fs-work.js';
import { defaultOrg, write } from '../helpers/temp-org.js';
import { getJson, readEvents, serveOrg } from './web-server.js';

const MESSAGES = 30;

describe("the dashboard's watch thread", () => {
  test('new mail is listed, read and indexed off the thread that serves (and runs the engine): it reads no message file, yet every message arrives, lists and is found', async () => {
    const root = defaultOrg();
    const server = await serveOrg(root);
    const stream = await fetch(`${server.base}/api/events`, { headers: { authorization: `Bearer ${server.token}` } });
    const mail = (events: Array<{ event: string }>): number => events.filter((event) => event.event === 'mail').length;
    const reading = readEvents(stream, (events) => mail(events) >= MESSAGES);
    for (let index = 1; index <= MESSAGES; index += 1) {
      const name = `${String(index).padStart(6, '0')}-001-human.md`;
      write(root, `agents/manager/outbox/${name}`, `---\nto: human\nsubject: Zeppelin report ${index}\n---\nThe zeppelin budget, part ${index}.\n`);
    }

    let listed: { total: number } = { total: 0 };
    let found: { total: number } = { total: 0 };
    const work = await countFsWork(async () => {
      await reading;
      listed = (await getJson<{ total: number }>(server, '/api/messages?from=manager&to=human')).body;
      found = (await getJson<{ total: number }>(server, '/api/search?q=zeppelin%20budget')).body;
    });
    expect(listed.total).toBe(MESSAGES);
    expect(found.total).toBe(MESSAGES);
    // This thread neither listed an outbox nor read a file: the watch thread did both.
    expect(work.listed.filter((folder) => folder.includes('outbox'))).toEqual([]);
    expect(work.calls.readFileSync ?? 0).toBe(0);
    expect(work.bytesRead).toBe(0);
  });
});

describe('an org removed while its dashboard serves', () => {
  test('closing the dashboard saves no index into it: the removed folder is not made again', async () => {
    const root = defaultOrg();
    const server = await serveOrg(root);
    // A message since the index was saved: the index has something to save at the close.
    write(root, 'agents/manager/outbox/000001-001-human.md', '---\nto: human\nsubject: Before the removal\n---\nSaid once.\n');
    await getJson(server, '/api/messages?from=manager');
    rmSync(root, { recursive: true, force: true });
    await server.close();
    expect(existsSync(root)).toBe(false);
  });
});
