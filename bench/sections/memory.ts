import { rmSync } from 'node:fs';
import { alternateTurns, buildJobOrg, memoryProbe, type BenchContext } from '../context.js';
import type { Row } from '../row.js';
import { figure } from '../stats.js';
import type { Job } from '../worker.js';

/** Agents whose retrieval is timed, each with a stream of MEMORIES. */
const PROBED = 20;
const MEMORIES = 500;
const WARM_UP = 1;
const MEASURED = 3;
/** What each agent of the big orgs already holds: a stream some turns old, not an empty one. */
const SEEDED = 20;

function median(values: number[]): number {
  return figure(values).median;
}

/**
 * Memory streams (docs/memory.md), on the first storage: with 500 memories an agent, how many tokens
 * a prompt's memories take against its budget and the prompt without them, and how long a
 * retrieval takes (the first of a process from the files, the first from the index an earlier
 * process saved, and later ones); then what memory costs a steady turn at 1,000 and 10,000 agents
 * (every agent with mail, an instant model, each agent's stream started with 20 memories), against
 * the same org without memory, the two orgs' turns taken in alternation in one process.
 */
export function memory(context: BenchContext): Row[] {
  const storage = context.storages[0];
  if (!storage) return [];
  const rows: Row[] = [];

  const probeJob: Job = { agents: PROBED, history: 0, withMail: PROBED, memories: MEMORIES, provider: 'instant', turns: 0 };
  const root = buildJobOrg(probeJob, storage);
  try {
    const fromFiles = memoryProbe(probeJob, root, storage);
    const fromSaved = memoryProbe(probeJob, root, storage);
    const label = `${MEMORIES} memories an agent, ${PROBED} agents`;
    const budget = fromFiles.budgetTokens;
    const section = Math.max(...fromFiles.sectionTokens);
    rows.push({ what: `a prompt's memories, ${label} (${median(fromFiles.shown)} shown; estimated tokens, the most of any agent)`, storage: storage.name, figure: { count: section, unit: 'tokens' }, target: { text: `≤ its budget, ${budget} tokens`, met: section <= budget } });
    rows.push({ what: `a prompt with its memories, ${label} (median)`, storage: storage.name, figure: { count: median(fromFiles.withTokens), unit: 'tokens' } });
    rows.push({ what: `the same prompt without them (median)`, storage: storage.name, figure: { count: median(fromFiles.withoutTokens), unit: 'tokens' } });
    rows.push({ what: `retrieval, a process's first for an agent: ${MEMORIES} memory files read, parsed and indexed (its index then saved)`, storage: storage.name, figure: { ms: figure(fromFiles.firstMs) } });
    rows.push({ what: `retrieval, a process's first for an agent, from the index an earlier process saved (the folder's time unchanged: no memory file read)`, storage: storage.name, figure: { ms: figure(fromSaved.firstMs) } });
    rows.push({ what: `retrieval, later calls (${MEMORIES} memories ranked for the call's mail; the best rechecked against their files)`, storage: storage.name, figure: { ms: figure([...fromFiles.laterMs, ...fromSaved.laterMs]) } });
    rows.push({ what: `retrieval for a prompt of 20 messages, a ranking each merged in rounds (${MEMORIES} memories)`, storage: storage.name, figure: { ms: figure([...fromFiles.twentyMs, ...fromSaved.twentyMs]) } });
    context.log(`  ${label}: memories ${section} tokens of ${budget}; prompt ${median(fromFiles.withTokens)} tokens against ${median(fromFiles.withoutTokens)}; retrieval first ${median(fromFiles.firstMs).toFixed(1)} ms, from the saved index ${median(fromSaved.firstMs).toFixed(1)} ms, later ${median(fromFiles.laterMs).toFixed(2)} ms, for 20 messages ${median(fromFiles.twentyMs).toFixed(2)} ms`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }

  for (const agents of context.quick ? [1000] : [1000, 10_000]) {
    const job: Job = { agents, history: 0, withMail: agents, provider: 'instant', turns: WARM_UP + MEASURED };
    const roots: [string, string] = [buildJobOrg(job, storage), buildJobOrg({ ...job, memories: SEEDED }, storage)];
    try {
      const result = alternateTurns(job, roots, storage);
      const without = figure(result.first.slice(WARM_UP));
      const kept = figure(result.second.slice(WARM_UP));
      const ratio = kept.median / without.median;
      const label = `N=${agents.toLocaleString('en-US')}`;
      rows.push({ what: `steady turn, ${label}, no memory`, storage: storage.name, figure: { ms: without } });
      rows.push({ what: `steady turn, ${label}, memory kept (each call: its memories retrieved; two written: the mail read, the message sent)`, storage: storage.name, figure: { ms: kept } });
      rows.push({ what: `memory kept / no memory, ${label}`, storage: storage.name, figure: { ratio, of: 'median turns' } });
      rows.push({ what: `peak RSS of the process running both orgs, ${label}`, figure: { mb: result.peakRssMb } });
      context.log(`  ${label}: no memory ${without.median.toFixed(0)} ms, memory kept ${kept.median.toFixed(0)} ms, ratio ${ratio.toFixed(2)}, peak RSS ${result.peakRssMb.toFixed(0)} MB`);
    } finally {
      for (const folder of roots) rmSync(folder, { recursive: true, force: true });
    }
  }
  return rows;
}
