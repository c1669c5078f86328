import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { THREAD_AFTER, TraceWriter, type TraceFailure } from '../../src/engine/record/trace-writer.js';
import { tempDir } from '../helpers/org-files.js';

test('each file is its text and a newline; past THREAD_AFTER files in a turn, the rest go to a thread in order; flush waits until every one is on disk', async () => {
  const folder = tempDir();
  const failed: TraceFailure[] = [];
  const writer = new TraceWriter((failures) => failed.push(...failures));
  try {
    const count = THREAD_AFTER + 150;
    for (let index = 0; index < count; index += 1) writer.write(join(folder, `${index}.json`), `text ${index}`, 7);
    // One file written, removed and written again while on its way: the last text wins, and can be read meanwhile.
    const again = join(folder, 'again.json');
    writer.write(again, 'first', 7);
    writer.remove(join(folder, '0.json'));
    writer.remove(again);
    writer.write(again, 'second', 7);
    expect(writer.read(again)).toBe('second\n');
    await writer.flush();
    expect(readdirSync(folder)).toHaveLength(count);
    expect(existsSync(join(folder, '0.json'))).toBe(false);
    expect(readFileSync(join(folder, `${count - 1}.json`), 'utf8')).toBe(`text ${count - 1}\n`);
    expect(readFileSync(again, 'utf8')).toBe('second\n');
    // Once the thread has started, a new turn's files go to it too, and a file it cannot write is told.
    writer.write(join(folder, 'missing-folder', 'x.json'), 'x', 8);
    writer.write(join(folder, 'late.json'), 'late', 8);
    await writer.flush();
    expect(failed).toEqual([{ file: join(folder, 'missing-folder', 'x.json'), code: 'ENOENT' }]);
    expect(readFileSync(join(folder, 'late.json'), 'utf8')).toBe('late\n');
  } finally {
    writer.close();
  }
});

test('a small turn is written as it goes, with no thread: each file is there at once', async () => {
  const folder = tempDir();
  const writer = new TraceWriter(() => undefined);
  for (let index = 0; index < 10; index += 1) {
    writer.write(join(folder, `${index}.json`), `${index}`, 1);
    expect(readFileSync(join(folder, `${index}.json`), 'utf8')).toBe(`${index}\n`);
  }
  await writer.flush();
  writer.close();
});
