/** Median, min and max of a series of measurements. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function figure(values: number[]): Figure {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0, runs: sorted.length };
}

export function showMs(value: Figure): string {
  const round = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
  return `${round(value.median)} ms (${round(value.min)}–${round(value.max)})`;
}
