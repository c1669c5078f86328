/** Credits for people: four decimals below 10, two above; never exponent notation. */
export function showCredits(credits: number): string {
  const rounded = Math.abs(credits) < 10 ? credits.toFixed(4) : credits.toFixed(2);
  return rounded === '-0.0000' ? '0.0000' : rounded;
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}
