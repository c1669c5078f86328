/**
 * Keep V8's young generation at its starting size for a process that runs many turns.
 * By default V8 doubles it, up to 16 MB a semi-space (with its copy, some 48 MB of RSS),
 * as soon as turns allocate quickly: that was most of a long run's peak RSS, while the
 * live heap after a turn of 1,000 agents is about 16 MB. The price is more frequent,
 * smaller scavenges (about a tenth more CPU in a turn). Set before the first turn;
 * `node:v8` is loaded only here, so a single turn (`run-once`) does not pay for it.
 */
export async function keepYoungGenerationSmall(): Promise<void> {
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--semi-space-growth-factor=1');
}
