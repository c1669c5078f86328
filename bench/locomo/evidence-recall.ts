/**
 * Recall@k of a question's evidence: the share of its evidence turns among the sources of the first k
 * memories ranked. Pure.
 */
export function evidenceRecall(ranked: ReadonlyArray<{ sources: readonly string[] }>, evidence: readonly string[], k: number): number {
  if (evidence.length === 0) return 0;
  const found = new Set(ranked.slice(0, k).flatMap((memory) => memory.sources));
  return evidence.filter((turn) => found.has(turn)).length / evidence.length;
}
