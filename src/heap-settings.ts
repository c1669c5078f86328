import { createRequire } from 'node:module';

/** Above this many agents a small young generation costs memory instead of saving it (measured at 4,000 and 10,000). */
const SMALL_ORG_AGENTS = 2_000;

/**
 * How far V8 lets the old generation grow past what a full collection left alive, in percent.
 * V8 picks a factor of its own, up to 4× on a machine with a gigabyte or more, when collecting
 * is quick next to the program's work, as it is for a turn's short-lived data: 10,000 agents,
 * 5 turns, kept some 80 MB alive and grew the old generation to about 230 MB (peak RSS 370 MB;
 * 265 MB with 1.5×, 250 MB with 1.25×), 1,000 agents 120 MB (90 MB with 1.5×). The steady turn
 * took the same time either way (turns of fresh processes alternated, 3 to 5 of each): a
 * turn's garbage dies young, so the extra full collections are few. Below about 16 MB alive V8
 * grows by at least 8 MB a time whatever the factor, so small orgs do not change.
 */
const OLD_GENERATION_GROWTH_PERCENT = 50;

/**
 * Keep V8's heap close to what a run of turns keeps alive, for a process that runs many turns.
 *
 * The young generation stays at its starting size for a small or middling org. By default V8
 * doubles it, up to 16 MB a semi-space (with its copy, some 48 MB of RSS), as soon as turns
 * allocate quickly: that was most of a long run's peak RSS at 200 and 1,000 agents (1,000
 * agents, 19 turns: about 145 MB by default, 110 MB kept small), whose live heap is about
 * 16 MB. In a bigger org a turn's own data outlives the small young generation, is promoted
 * early and swells the old one instead (10,000 agents, 8 turns: 433 MB against 396 MB by
 * default), so there the default stays. The price is more frequent scavenges, about a tenth
 * more CPU in a turn.
 *
 * The old generation grows by at most OLD_GENERATION_GROWTH_PERCENT past its live data.
 *
 * `node:v8` is loaded only here, so a single turn (`run-once`) does not pay for it.
 */
export async function keepHeapSmall(agents?: number): Promise<void> {
  const { setFlagsFromString } = await import('node:v8');
  // Called before the org is opened (opening it allocates too) and again once its size is known; 2 is V8's default.
  applied = [`--semi-space-growth-factor=${agents !== undefined && agents > SMALL_ORG_AGENTS ? 2 : 1}`, `--heap-growing-percent=${OLD_GENERATION_GROWTH_PERCENT}`];
  for (const flag of applied) setFlagsFromString(flag);
}

/** The flags last set by keepHeapSmall. */
let applied: string[] | undefined;

/**
 * Starting a worker thread puts V8's flags back as the command line had them, and the process's own
 * young generation then grows as by default (to some 34 MB at 1,000 agents): the thread's owner
 * calls this as soon as the thread runs, to set ours again. Synchronous, so it can be called before
 * the engine allocates any further.
 */
export function keepHeapAsSet(): void {
  if (applied === undefined) return;
  const { setFlagsFromString } = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
  for (const flag of applied) setFlagsFromString(flag);
}
