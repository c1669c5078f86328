/** Credits for people: four decimals below 10, two above; never exponent notation. */
export function showCredits(credits: number): string {
  const rounded = Math.abs(credits) < 10 ? credits.toFixed(4) : credits.toFixed(2);
  return rounded === '-0.0000' ? '0.0000' : rounded;
}

/** A count with thousands separators (`12,345`), the same whatever the locale. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** `1 turn`, `2 turns`: the formatted count with the singular or plural noun. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}
