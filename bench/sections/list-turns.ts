import { type BenchContext, runJob } from '../context.js';
import type { Row } from '../row.js';
import { figure } from '../stats.js';

/** Members of each list: every post is read by the nine others. */
const LIST_SIZE = 10;

/**
 * A turn's cost with mailing lists (org/lists/): every agent has mail and answers it with one post to
 * its list of ten, so a turn writes N files and delivers 9N pieces of mail, against the same org
 * where each agent writes one message to the next (N files, N deliveries). Both in one section, one
 * after the other on the same storage, so the machine's load weighs on both alike. A list post is one
 * file and one waiting item per reader: the turn should grow with the readers, not with the org.
 */
export function listTurns(context: BenchContext): Row[] {
  const storage = context.storages[0];
  if (!storage) return [];
  const rows: Row[] = [];
  for (const agents of [1000, 10_000]) {
    const turns = agents >= 5000 ? { warmUp: 2, measured: 3 } : { warmUp: 5, measured: 9 };
    const shape = { agents, history: 0, withMail: agents, provider: 'instant' as const, turns: turns.warmUp + turns.measured };
    const plain = runJob(shape, storage);
    const listed = runJob({ ...shape, listSize: LIST_SIZE }, storage);
    if (listed.called.slice(1).some((count) => count !== agents)) throw new Error(`lists, N=${agents}: a turn called ${listed.called.join(', ')} agents, not all ${agents}`);
    const one = figure(plain.turnMs.slice(turns.warmUp));
    const posts = figure(listed.turnMs.slice(turns.warmUp));
    const size = agents.toLocaleString('en-US');
    rows.push(
      { what: `steady turn, one message each to the next agent (N deliveries), N=${size}`, storage: storage.name, figure: { ms: one } },
      { what: `steady turn, one post each to its list of ${LIST_SIZE} (${(agents * (LIST_SIZE - 1)).toLocaleString('en-US')} deliveries), N=${size}`, storage: storage.name, figure: { ms: posts } },
      {
        what: `list turn / one-to-one turn, N=${size} (nine times the mail read)`,
        storage: storage.name,
        figure: { ratio: posts.median / one.median, of: 'medians' },
        target: { text: `below the ${LIST_SIZE - 1}× the deliveries (a post is written once)`, met: posts.median < (LIST_SIZE - 1) * one.median },
      },
      { what: `peak RSS with lists, N=${size}`, figure: { mb: listed.peakRssMb } },
    );
    context.log(`  N=${agents}: one-to-one ${one.median.toFixed(1)} ms, lists of ${LIST_SIZE} ${posts.median.toFixed(1)} ms, peak RSS ${listed.peakRssMb.toFixed(0)} MB`);
  }
  return rows;
}
