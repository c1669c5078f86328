/*
 * How lemming writes numbers for people, the one format of the CLI, the terminal UI and the
 * dashboard's page. Imports nothing and touches no Node or DOM API: the browser app loads this
 * very module (served as /ui/shared/numbers.js), so the page and the terminal cannot part.
 */

/** Credits for people: four decimals below 10, two above; never exponent notation. */
export function showCredits(credits: number): string {
  const rounded = Math.abs(credits) < 10 ? credits.toFixed(4) : credits.toFixed(2);
  return rounded === '-0.0000' ? '0.0000' : rounded;
}

/**
 * A count with thousands separators (`12,345`), the same whatever the locale. Written out
 * rather than `toLocaleString`, whose first call loads ICU's locale data: tens of
 * milliseconds that every `run-once` would pay to print its summary.
 */
export function formatCount(count: number): string {
  if (!Number.isInteger(count)) return count.toLocaleString('en-US');
  return String(count).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** Input tokens with the cached part, when there is one: `2,400 in (1,800 cached, 400 written to the cache)`. */
export function formatInputTokens(usage: { inputTokens: number; cachedInputTokens?: number; cacheWriteTokens?: number }): string {
  const parts: string[] = [];
  if (usage.cachedInputTokens) parts.push(`${formatCount(usage.cachedInputTokens)} cached`);
  if (usage.cacheWriteTokens) parts.push(`${formatCount(usage.cacheWriteTokens)} written to the cache`);
  return `${formatCount(usage.inputTokens)} in${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}
