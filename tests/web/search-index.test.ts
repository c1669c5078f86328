import { existsSync, mkdirSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MessageIndex } from '../../src/web/search/message-index.js';
import { searchIndexPath } from '../../src/web/search/saved-index.js';
import { defaultOrg, humanSends, write } from '../helpers/temp-org.js';

const dropped = (to: string, subject: string, body: string, replyTo?: string): string =>
  `---\nto: ${to}\nsubject: ${JSON.stringify(subject)}\n${replyTo ? `reply_to: ${replyTo}\n` : ''}---\n${body}\n`;

describe('the search index', () => {
  test('is built when missing, saved under org/state/cache, and loaded (not rebuilt) next time', () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Measure the aardvark enclosure', 'Aardvark');
    expect(existsSync(searchIndexPath(root))).toBe(false);
    const built = MessageIndex.open(root);
    expect(searchIndexPath(root)).toBe(join(root, 'org', 'state', 'cache', 'search-index.json'));
    expect(existsSync(searchIndexPath(root))).toBe(true);
    expect(built.find('aardvark').map((hit) => hit.id)).toEqual(['000000-human-001']);
    // Rewritten in place, the file leaves its folder unchanged: an index loaded from disk still knows the old words,
    // which shows the saved index was used rather than every outbox read again.
    const file = join(root, 'agents/human/outbox/000000-001-manager.md');
    const folderTime = statSync(join(root, 'agents/human/outbox')).mtime;
    writeFileSync(file, readFileSync(file, 'utf8').replace('aardvark', 'armadillo'));
    utimesSync(join(root, 'agents/human/outbox'), folderTime, folderTime);
    const loaded = MessageIndex.open(root);
    expect(loaded.size).toBe(1);
    expect(loaded.find('aardvark').map((hit) => hit.id)).toEqual(['000000-human-001']);
    expect(loaded.find('armadillo')).toEqual([]);
  });

  test('takes in new files, forgets removed ones, and finds words by prefix and with a small typo', () => {
    const root = defaultOrg();
    const index = MessageIndex.open(root);
    write(root, 'agents/planner/outbox/000003-001-manager.md', dropped('manager', 'Budget', 'The spreadsheet for the quarterly budget is attached.'));
    write(root, 'agents/manager/outbox/000004-001-planner.md', dropped('planner', 'Re: Budget', 'Thanks, approved.', '000003-planner-001'));
    expect(index.refresh().map((message) => message.id)).toEqual(['000003-planner-001', '000004-manager-001']);
    expect(index.find('spreadsh').map((hit) => hit.id)).toEqual(['000003-planner-001']);
    expect(index.find('quartely').map((hit) => hit.id)).toEqual(['000003-planner-001']);
    expect(index.find('budget', { from: 'manager' }).map((hit) => hit.id)).toEqual(['000004-manager-001']);
    expect(index.thread('000003-planner-001').map((entry) => [entry.id, entry.depth])).toEqual([
      ['000003-planner-001', 0],
      ['000004-manager-001', 1],
    ]);
    unlinkSync(join(root, 'agents/planner/outbox/000003-001-manager.md'));
    expect(index.refresh()).toEqual([]);
    expect(index.find('spreadsheet')).toEqual([]);
    expect(index.size).toBe(1);
    // One file gone and another come in the same look: the outbox holds as many files as before.
    write(root, 'agents/planner/outbox/000005-001-manager.md', dropped('manager', 'Ledger', 'The ledger for the quarter.'));
    expect(index.refresh().map((message) => message.id)).toEqual(['000005-planner-001']);
    unlinkSync(join(root, 'agents/planner/outbox/000005-001-manager.md'));
    write(root, 'agents/planner/outbox/000006-001-manager.md', dropped('manager', 'Forecast', 'The forecast for the quarter.'));
    expect(index.refresh().map((message) => message.id)).toEqual(['000006-planner-001']);
    expect(index.find('quarter').map((hit) => hit.id)).toEqual(['000006-planner-001']);
    expect(index.size).toBe(2);
  });

  test('a message written in the same clock tick as the last look (the folder mtime did not move) is still taken in', () => {
    const root = defaultOrg();
    const index = MessageIndex.open(root);
    const outbox = join(root, 'agents/manager/outbox');
    // File times tick every few milliseconds: a write right after a look can leave the folder's mtime as it was.
    const tick = Math.floor(Date.now() / 1000);
    write(root, 'agents/manager/outbox/000001-001-human.md', dropped('human', 'First', 'one'));
    utimesSync(outbox, tick, tick);
    expect(index.refresh().map((message) => message.id)).toEqual(['000001-manager-001']);
    write(root, 'agents/manager/outbox/000001-002-human.md', dropped('human', 'Second', 'two'));
    utimesSync(outbox, tick, tick);
    expect(index.refresh().map((message) => message.id)).toEqual(['000001-manager-002']);
    expect(index.refresh()).toEqual([]);
    // A folder untouched for long is trusted: not listed again, so an in-place edit is not seen.
    const old = new Date(Date.now() - 60_000);
    utimesSync(outbox, old, old);
    expect(index.refresh()).toEqual([]);
    write(root, 'agents/manager/outbox/000001-003-human.md', dropped('human', 'Third', 'three'));
    utimesSync(outbox, old, old);
    expect(index.refresh()).toEqual([]);
  });

  test('a file dropped by hand that does not read as a message is taken in once it is mended in place, and kept across a reload', () => {
    const root = defaultOrg();
    const index = MessageIndex.open(root);
    const outbox = join(root, 'agents/planner/outbox');
    const file = join(outbox, '000003-001-manager.md');
    write(root, 'agents/planner/outbox/000003-001-manager.md', '---\nto: manager\nsubject: "Unclosed\n---\nThe gazebo plan.\n');
    expect(index.refresh()).toEqual([]);
    expect(index.size).toBe(0);
    index.save();
    // Mended in place, as most editors save: the folder's mtime stays as it was, long ago.
    const old = new Date(Date.now() - 60_000);
    utimesSync(outbox, old, old);
    expect(index.refresh()).toEqual([]);
    writeFileSync(file, dropped('manager', 'Gazebo', 'The gazebo plan.'));
    utimesSync(outbox, old, old);
    expect(index.refresh().map((message) => message.id)).toEqual(['000003-planner-001']);
    expect(index.find('gazebo').map((hit) => hit.id)).toEqual(['000003-planner-001']);
    index.save();
    expect(MessageIndex.open(root).find('gazebo').map((hit) => hit.id)).toEqual(['000003-planner-001']);
  });

  test('a word in nearly every message: the newest page and the count, with and without a filter', () => {
    const root = defaultOrg();
    // Past 10,000 postings a word ranks nothing (query-plan.ts): 10,200 messages all say "progress".
    for (const [agent, turns] of [['planner', 6_000], ['manager', 4_200]] as const) {
      const outbox = join(root, 'agents', agent, 'outbox');
      mkdirSync(outbox, { recursive: true });
      for (let turn = 1; turn <= turns; turn += 1) writeFileSync(join(outbox, `${String(turn).padStart(6, '0')}-001-human.md`), dropped('human', `Note ${turn}`, `Progress on item ${turn}.`));
    }
    const index = MessageIndex.open(root);
    const all = index.findPage('progress', {}, 3);
    expect(all.ranked).toBe(false);
    expect(all.total).toBe(10_200);
    expect(all.hits.map((hit) => hit.id)).toEqual(['006000-planner-001', '005999-planner-001', '005998-planner-001']);
    const fromManager = index.findPage('progress', { from: 'manager' }, 2);
    expect(fromManager.total).toBe(4_200);
    expect(fromManager.hits.map((hit) => hit.id)).toEqual(['004200-manager-001', '004199-manager-001']);
    // With a rarer word, ranked by it among the messages holding both.
    const both = index.findPage('progress item 4242', {}, 5);
    expect(both.ranked).toBe(true);
    expect(both.hits[0]?.id).toBe('004242-planner-001');
    // A message written later is on the first page at once.
    write(root, 'agents/manager/outbox/007000-001-human.md', dropped('human', 'Late', 'Progress, late.'));
    index.refresh();
    expect(index.findPage('progress', {}, 1).hits.map((hit) => hit.id)).toEqual(['007000-manager-001']);
  });

  test('built from the outboxes, it tells how many messages it holds after each outbox that added some (what the page shows while it loads); loaded from its file, only what it took in since', () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Count the penguins');
    for (let index = 1; index <= 2; index += 1) write(root, `agents/manager/outbox/00000${index}-001-human.md`, dropped('human', `Penguins ${index}`, 'Counted.'));
    for (let index = 1; index <= 3; index += 1) write(root, `agents/planner/outbox/00000${index}-001-manager.md`, dropped('manager', `Plan ${index}`, 'Planned.'));
    const told: number[] = [];
    expect(MessageIndex.open(root, (size) => told.push(size)).size).toBe(6);
    // Outboxes in name order: human (1), manager (2 more), planner (3 more); those with none say nothing.
    expect(told).toEqual([1, 3, 6]);
    told.length = 0;
    write(root, 'agents/hr/outbox/000004-001-manager.md', dropped('manager', 'Hired', 'Done.'));
    expect(MessageIndex.open(root, (size) => told.push(size)).size).toBe(7);
    expect(told).toEqual([7]);
  });

  test('a broken or foreign index file is rebuilt, never trusted', () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Count the penguins');
    write(root, 'org/state/cache/search-index.json', JSON.stringify({ format: 1, root, outboxes: {}, messages: [], search: { nonsense: true } }));
    expect(MessageIndex.open(root).find('penguins').map((hit) => hit.id)).toEqual(['000000-human-001']);
    writeFileSync(searchIndexPath(root), 'not json at all');
    expect(MessageIndex.open(root).size).toBe(1);
    rmSync(join(root, 'org', 'state', 'cache'), { recursive: true });
    expect(MessageIndex.open(root).size).toBe(1);
  });
});
