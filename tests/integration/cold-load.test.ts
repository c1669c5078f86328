import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { loadOrg, loadOrgForReading } from '../../src/org/load-org-once.js';
import { schemas } from '../../src/org/schema.js';
import { callsTo, countFsWork } from '../helpers/fs-work.js';
import { read, tempDir, write } from '../helpers/org-files.js';

const AGENTS = 300;

/** An org as a program writes it (the bench's: plain resumes, a chart of everyone), never loaded: no parse cache, no kept org. */
function writtenOrg(): string {
  const root = tempDir('lemming-cold-');
  buildOrg(root, { agents: AGENTS, history: 0, withMail: 0 });
  rmSync(join(root, 'org', 'state', 'cache'), { recursive: true, force: true });
  return root;
}

/** A load for reading (what `lemming status` does), its file work, and how often the schemas' parsers were asked of a resume and of the chart. */
async function loadCounted(root: string) {
  const resumeSchema = vi.spyOn(schemas().resumeSchema, 'safeParse');
  const chartSchema = vi.spyOn(schemas().chartFileSchema, 'safeParse');
  try {
    let loaded: ReturnType<typeof loadOrgForReading> | undefined;
    const work = await countFsWork(async () => {
      loaded = loadOrgForReading(root);
    });
    return { loaded, work, resumeParses: resumeSchema.mock.calls.length, chartParses: chartSchema.mock.calls.length };
  } finally {
    resumeSchema.mockRestore();
    chartSchema.mockRestore();
  }
}

// Work counted, not timed: `npm run bench -- --only scale` times a cold status at 100,000 agents.
describe('an org written by a program, loaded for the first time', () => {
  test('each file is opened once, none is stat-ed by its path, and no resume or chart in the plain form goes through zod', async () => {
    const root = writtenOrg();
    const { loaded, work, resumeParses, chartParses } = await loadCounted(root);
    expect(loaded?.problems).toEqual([]);
    expect(loaded?.org.agents.size).toBe(AGENTS);
    expect(loaded?.org.agents.get(agentName(7))?.credits).toBe(1_000_000);
    // Not a stat of every resume for a kept org there is none of, nor one before each read: a few, for the folders and the caches.
    expect(callsTo(work, 'statSync')).toBeLessThan(10);
    // org.yaml, the chart and every resume, each opened once; the caches looked for.
    expect(callsTo(work, 'openSync')).toBeLessThan(AGENTS + 10);
    expect(resumeParses).toBe(0);
    expect(chartParses).toBe(0);
  });

  test('after one resume is edited, the next load reads that resume and takes the others from the parse cache, which keeps their text', async () => {
    const root = writtenOrg();
    // A whole load keeps the parse cache (a load for reading on an org with none keeps nothing: org-as-written.ts).
    loadOrg(root);
    expect(read(root, 'org/state/cache/parse-cache.json')).toContain(JSON.stringify(read(root, `agents/${agentName(3)}/resume.md`)));
    write(root, `agents/${agentName(3)}/resume.md`, read(root, `agents/${agentName(3)}/resume.md`).replace('credits: 1000000', 'credits: 5'));
    const { loaded, work } = await loadCounted(root);
    expect(loaded?.org.agents.get(agentName(3))?.credits).toBe(5);
    expect(loaded?.org.agents.get(agentName(4))?.credits).toBe(1_000_000);
    expect(callsTo(work, 'openSync')).toBeLessThan(20);
  });
});
