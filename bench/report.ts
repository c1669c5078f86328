import type { Results } from './main.js';
import { showMs } from './stats.js';

const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ');

/** The results as the markdown committed in bench/results.md and shown in the README. */
export function renderMarkdown(results: Results): string {
  const { machine } = results;
  const lines: string[] = [];
  lines.push('# lemming benchmark results', '');
  lines.push(
    `Machine: ${machine.cores} cores, Node ${machine.node}, ${machine.platform}; load average ${load(machine.loadBefore)} before, ${load(machine.loadAfter)} after; ${machine.date}.`,
    'Each figure: median (min–max); engine turns: 9 turns measured after 10 warm-up turns on the same org (a running org\'s steady state; the first turns of a fresh process also pay for compiling the code) (each turn is the same workload, since every agent answers and so gives the next one mail).',
    '',
  );
  lines.push('## 1. Engine overhead: one turn, every agent with mail, an instant model', '');
  lines.push('On the project\'s disk (`bench/.work/`), next to the time this disk takes to write the same number of small files (temporary file, then rename) with no engine at all:', '');
  lines.push('| agents | history 0 | history 10,000 | history 100,000 | H=100k / H=0 | peak RSS at H=100k | writing N files alone |', '| ---: | --- | --- | --- | ---: | ---: | --- |');
  for (const agents of [...new Set(results.overhead.map((row) => row.agents))]) {
    const rows = results.overhead.filter((row) => row.agents === agents);
    const at = (history: number) => rows.find((row) => row.history === history);
    const ratio = (at(100_000)?.turn.median ?? 0) / (at(0)?.turn.median ?? 1);
    lines.push(
      `| ${agents} | ${rows.map((row) => showMs(row.turn)).join(' | ')} | ${ratio.toFixed(2)}× | ${(at(100_000)?.peakRssMb ?? 0).toFixed(0)} MB | ${rows[0] ? showMs(rows[0].floor) : ''} |`,
    );
  }
  if (results.overheadInMemory.length > 0) {
    lines.push('', 'The same turns with the org on a RAM-backed file system (`/dev/shm`), which leaves the engine\'s own cost:', '');
    lines.push('| agents | history 0 | history 100,000 | H=100k / H=0 | peak RSS at H=100k |', '| ---: | --- | --- | ---: | ---: |');
    for (const agents of [...new Set(results.overheadInMemory.map((row) => row.agents))]) {
      const rows = results.overheadInMemory.filter((row) => row.agents === agents);
      const at = (history: number) => rows.find((row) => row.history === history);
      const ratio = (at(100_000)?.turn.median ?? 0) / (at(0)?.turn.median ?? 1);
      lines.push(`| ${agents} | ${rows.map((row) => showMs(row.turn)).join(' | ')} | ${ratio.toFixed(2)}× | ${(at(100_000)?.peakRssMb ?? 0).toFixed(0)} MB |`);
    }
  }
  lines.push('', '## 2. Latency hiding: a model that takes 200 ms per call', '');
  lines.push('| agents | concurrency | turn | one call after another | ratio | target (1.15 × ⌈N/C⌉ × 200 ms) |', '| ---: | ---: | --- | ---: | ---: | ---: |');
  for (const row of results.latency) {
    lines.push(`| ${row.agents} | ${row.concurrency} | ${showMs(row.turn)} | ${row.serialMs} ms | ${row.ratioToSerial.toFixed(3)} | ${row.target.toFixed(0)} ms |`);
  }
  const { startup } = results;
  lines.push('', `## 3. Start-up of the built CLI (N=${startup.agents}, H=${startup.history.toLocaleString('en-US')})`, '');
  lines.push('| command | wall time |', '| --- | --- |');
  lines.push(`| \`node -e 0\` | ${showMs(startup.nodeBaseline)} |`, `| \`lemming status\` | ${showMs(startup.status)} |`, `| \`lemming run-once\` | ${showMs(startup.runOnce)} |`);
  const { idle } = results;
  lines.push('', '## 4. Idle cost', '');
  lines.push('| org | turn |', '| --- | --- |');
  lines.push(`| ${idle.agents} agents, ${idle.withMail} with mail | ${showMs(idle.turn)} |`, `| ${idle.referenceAgents} agents, all with mail | ${showMs(idle.reference)} |`);
  lines.push('', `## 5. The offline model, ${results.offline.agents} agents with mail`, '', `The turn in which all ${results.offline.agents} read their mail and answer it (three fresh orgs, the org's first turn, so no warm-up): ${showMs(results.offline.turn)}.`, '');
  lines.push(`The whole benchmark took ${results.seconds.toFixed(0)} s.`, '');
  return lines.join('\n');
}
