import { createRequire } from 'node:module';

/**
 * Above this many agents a small young generation costs memory instead of saving it (measured at 4,000
 * and 10,000), and a capped old generation saves memory without costing time.
 */
const SMALL_ORG_AGENTS = 2_000;

/**
 * How far V8 lets the old generation of a big (or small) org's run grow past what a full collection left
 * alive, in percent. V8 picks a factor of its own, up to 4× on a machine with a gigabyte or more,
 * when collecting is quick next to the program's work: 10,000 agents, 5 turns, kept some 80 MB
 * alive and peaked at 365 to 388 MB of RSS. Capped at 2×: 294 to 309 MB, the full collections
 * taking some 19 ms more a turn on the engine's thread (of 1.3 to 1.5 s; the steady turn was
 * 1,299 against 1,398 ms by median of fresh processes alternated). At 1.5×, 250 to 282 MB but
 * 49 ms more a turn. At 1,000 agents a 1.5× cap saved 30 MB (89 against 125 MB) but cost a
 * tenth of the turn: with the young generation kept small, a turn promotes most of its data
 * and V8, growing by at least 8 MB past the live heap whatever the factor, collected fully every
 * other turn (10 times in 19 turns against 3). So middling orgs keep V8's factor, as
 * they keep their young generation small.
 */
const CAPPED_OLD_GENERATION_GROWTH_PERCENT = 100;

/**
 * Below this many agents the old generation is capped at 2× as well. With its young generation kept
 * small, a turn of 200 agents promotes some 1.5 MB that dies by the turn's end; V8's own factor (4×
 * past the 10 MB alive) let that pile up to 35 MB of old generation by the 19th turn, a third of the
 * run's 96 MB peak RSS. Capped: 3 full collections in 19 turns instead of 1, some 6 ms each, and a
 * peak of 84 MB. The cost grows with the org: at 500 agents 7 full collections against 3 (30 to
 * 100 ms more in 19 turns of some 120 ms), at 1,000 the tenth of a turn said above.
 */
const CAPPED_OLD_GENERATION_AGENTS = 500;

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
 * The old generation of a bigger org, and of a small one (under CAPPED_OLD_GENERATION_AGENTS, or
 * before its size is known), grows by at most CAPPED_OLD_GENERATION_GROWTH_PERCENT past its live
 * data; a middling org keeps V8's own factor (0).
 *
 * `node:v8` is loaded only here, so a single turn (`run-once`) does not pay for it.
 */
export async function keepHeapSmall(agents?: number): Promise<void> {
  const { setFlagsFromString } = await import('node:v8');
  const big = agents !== undefined && agents > SMALL_ORG_AGENTS;
  const capped = big || agents === undefined || agents < CAPPED_OLD_GENERATION_AGENTS;
  // Called before the org is opened (opening it allocates too) and again once its size is known; 2 is V8's default.
  applied = [`--semi-space-growth-factor=${big ? 2 : 1}`, `--heap-growing-percent=${capped ? CAPPED_OLD_GENERATION_GROWTH_PERCENT : 0}`];
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
