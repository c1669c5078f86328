import { closeSync, fstatSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { figure, type Figure } from './stats.js';

/**
 * The file operations a steady turn makes for each agent with mail, as `strace` shows them
 * for the engine (14 system calls an agent, against the file-system floor's 5), done by
 * plain Node with no engine: no prompts, no model, no JSON beyond fixed strings.
 *
 * - `stat` of the resume: a hand edit is seen at the next turn;
 * - `stat` of the outbox: new mail dropped by hand is found without listing the folder;
 * - `stat` of the notes folder (`memory/`, absent here as in the bench orgs): hand-edited notes are read;
 * - the reply: `stat` of the outbox, temporary file, rename, `stat` again (the outbox hint moves past the engine's own file only when nobody else wrote there meanwhile);
 * - a line appended to the agent's `logs/activity.jsonl` (open, `fstat`, write, close: the engine writes a record only
 *   into the regular file it opened, never into a pipe another process reads in its place);
 * - a line written to the turn's journal, whose file stays open through the turn.
 *
 * The sizes are the engine's at these bench orgs: a 269-byte message, a 544-byte log
 * line, a 1,029-byte journal record. What a turn writes once for the whole org
 * (`engine.json`, the ledger, `taken.jsonl`, the hints) is left out: it grows with N
 * too, so this floor is below what the engine must do.
 */
export function recordFloor(base: string, agents: number, runs = 5): Figure {
  const root = mkdtempSync(join(base, 'lemming-record-floor-'));
  try {
    const folders = Array.from({ length: agents }, (_, index) => join(root, 'agents', `agent_${String(index).padStart(5, '0')}`));
    for (const folder of folders) {
      mkdirSync(join(folder, 'outbox'), { recursive: true });
      mkdirSync(join(folder, 'logs'));
      writeFileSync(join(folder, 'resume.md'), '---\ntitle: Worker\n---\n');
    }
    const message = 'm'.repeat(268) + '\n';
    const logLine = 'l'.repeat(543) + '\n';
    const journalLine = 'j'.repeat(1028) + '\n';
    const times: number[] = [];
    // A first run unmeasured: the log files and the journal exist from then on, as in a steady turn.
    for (let run = -1; run < runs; run += 1) {
      const start = performance.now();
      const journal = openSync(join(root, 'journal.jsonl'), 'a');
      try {
        for (const folder of folders) {
          statSync(`${folder}/resume.md`);
          statSync(`${folder}/outbox`);
          statSync(`${folder}/memory`, { throwIfNoEntry: false });
          statSync(`${folder}/outbox`);
          const file = `${folder}/outbox/${run}.md`;
          writeFileSync(`${folder}/outbox/.${run}.md.tmp`, message);
          renameSync(`${folder}/outbox/.${run}.md.tmp`, file);
          statSync(`${folder}/outbox`);
          const log = openSync(`${folder}/logs/activity.jsonl`, 'a');
          fstatSync(log);
          writeSync(log, logLine);
          closeSync(log);
          writeSync(journal, journalLine);
        }
      } finally {
        closeSync(journal);
      }
      if (run >= 0) times.push(performance.now() - start);
      rmSync(join(root, 'journal.jsonl'));
    }
    return figure(times);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
