import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { historyPlace } from '../../src/history/history-paths.js';
import { listHistory } from '../../src/history/read-history.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { defaultOrg } from '../helpers/temp-org.js';
import { KNOWN_FILES_FILE } from '../../src/history/known-files-file.js';

/** The pids of this process's children that run git on `gitDir` (by the GIT_DIR lemming gives them): the history's fast-import. */
function gitsWritingInto(gitDir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== process.pid) continue;
      if (readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(`GIT_DIR=${gitDir}`)) pids.push(Number(name));
    } catch {
      // Ended while it was read.
    }
  }
  return pids;
}

describe('Engine.close() of a turn-by-turn driver', () => {
  test('resolves once the last turn is in the history and git has stopped: the folder can be removed at once', async () => {
    const root = defaultOrg();
    sendAsHuman(root, loadOrg(root).org, { to: 'manager', subject: 'First release', body: 'Plan the first release.' });
    const gitDir = historyPlace(root).gitDir;
    const engine = Engine.open({ root });
    // One turn alone, as chat and the dashboard drive it: no run's end settles the history.
    for await (const event of engine.turn()) void event;
    expect(engine.lastTurn).toBe(1);
    await engine.close();
    // Nothing awaited but close: git has written the entry and stopped, and the next run's known files are kept.
    expect(gitsWritingInto(gitDir)).toEqual([]);
    expect(existsSync(join(gitDir, KNOWN_FILES_FILE))).toBe(true);
    expect(listHistory(root).map((entry) => [entry.kind, entry.turn])).toEqual([
      ['turn', 0],
      ['turn', 1],
    ]);
    rmSync(root, { recursive: true });
    expect(existsSync(root)).toBe(false);
  });

  test('a second close changes nothing and resolves too', async () => {
    const root = defaultOrg();
    const engine = Engine.open({ root });
    for await (const event of engine.turn()) void event;
    await engine.close();
    await engine.close();
    expect(gitsWritingInto(historyPlace(root).gitDir)).toEqual([]);
    expect(listHistory(root).map((entry) => entry.turn)).toEqual([0, 1]);
  });
});
