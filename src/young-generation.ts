import { createRequire } from 'node:module';

/** Above this many agents a small young generation costs memory instead of saving it (measured at 4,000 and 10,000). */
const SMALL_ORG_AGENTS = 2_000;

/**
 * Keep V8's young generation at its starting size for a process that runs many turns of a
 * small or middling org. By default V8 doubles it, up to 16 MB a semi-space (with its copy,
 * some 48 MB of RSS), as soon as turns allocate quickly: that was most of a long run's peak
 * RSS at 200 and 1,000 agents (1,000 agents, 19 turns: about 145 MB by default, 110 MB
 * kept small), whose live heap is about 16 MB. In a bigger org a turn's own data outlives
 * the small young generation, is promoted early and swells the old one instead (10,000
 * agents, 8 turns: 433 MB against 396 MB by default), so there the default stays. The
 * price is more frequent scavenges, about a tenth more CPU in a turn. `node:v8` is loaded
 * only here, so a single turn (`run-once`) does not pay for it.
 */
export async function keepYoungGenerationSmall(agents?: number): Promise<void> {
  const { setFlagsFromString } = await import('node:v8');
  // Called before the org is opened (opening it allocates too) and again once its size is known; 2 is V8's default.
  applied = `--semi-space-growth-factor=${agents !== undefined && agents > SMALL_ORG_AGENTS ? 2 : 1}`;
  setFlagsFromString(applied);
}

/** The flag last set by keepYoungGenerationSmall. */
let applied: string | undefined;

/**
 * Starting a worker thread puts V8's flags back as the command line had them, and the process's own
 * young generation then grows as by default (to some 34 MB at 1,000 agents): the thread's owner
 * calls this as soon as the thread runs, to set ours again. Synchronous, so it can be called before
 * the engine allocates any further.
 */
export function keepYoungGenerationAsSet(): void {
  if (applied === undefined) return;
  (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString(applied);
}
