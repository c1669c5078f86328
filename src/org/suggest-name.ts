/**
 * The closest of `candidates` to a name someone mistyped, as commander suggests commands:
 * `mangaer` → `manager`. Undefined when nothing is close enough to be the name meant. Pure.
 */
export function closestName(typed: string, candidates: Iterable<string>): string | undefined {
  // A third of the name may be wrong (at least one edit): `hr` → `hx`, not `hr` → `qa`.
  const allowed = Math.max(1, Math.floor(typed.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    if (name === typed) continue;
    const distance = editDistance(typed.toLowerCase(), name.toLowerCase());
    if (distance <= allowed && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** `; did you mean "manager"?`, or nothing when no name is close. */
export function didYouMean(typed: string, candidates: Iterable<string>): string {
  const closest = closestName(typed, candidates);
  return closest === undefined ? '' : `; did you mean ${closest}?`;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost one. */
function editDistance(left: string, right: string): number {
  const rows: number[][] = Array.from({ length: left.length + 1 }, (_, index) => [index]);
  for (let column = 1; column <= right.length; column += 1) (rows[0] as number[])[column] = column;
  for (let row = 1; row <= left.length; row += 1) {
    for (let column = 1; column <= right.length; column += 1) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      const current = rows[row] as number[];
      const above = rows[row - 1] as number[];
      let distance = Math.min((above[column] as number) + 1, (current[column - 1] as number) + 1, (above[column - 1] as number) + cost);
      if (row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1]) {
        distance = Math.min(distance, ((rows[row - 2] as number[])[column - 2] as number) + 1);
      }
      current[column] = distance;
    }
  }
  return (rows[left.length] as number[])[right.length] as number;
}
