/*
 * A unified diff of two texts, as `diff -u` and `git diff` print one: the lines each side lacks,
 * with three lines of context, in hunks headed `@@ -a,n +b,m @@`. Written here (some sixty lines
 * of Myers' algorithm) rather than taken as a package: `lemming diff` needs nothing more, and a
 * body or a resume is short. Pure; imports nothing.
 */

/** One line of an edit script: kept (` `), only in the first text (`-`), only in the second (`+`). */
interface Edit {
  kind: ' ' | '-' | '+';
  line: string;
}

/** Lines of context around each change, as `diff -u` gives. */
const CONTEXT = 3;
/**
 * Past this many differing lines the shortest edit is not searched for (its cost grows with the
 * square of the differences): the differing middle is shown as all removed, then all added.
 */
const MAX_SEARCHED_EDITS = 2_000;

function lines(text: string): string[] {
  if (text === '') return [];
  const split = text.split('\n');
  if (split.at(-1) === '') split.pop();
  return split;
}

/**
 * The shortest edit script turning `a` into `b` (Myers 1986, "An O(ND) difference algorithm"):
 * each round d keeps, per diagonal k = x − y, the furthest x reached with d edits; the rounds'
 * frontiers are kept (only the diagonals −d…d of each) to walk back from the end.
 */
function shortestEdits(a: readonly string[], b: readonly string[]): Edit[] | undefined {
  const n = a.length;
  const m = b.length;
  const offset = n + m + 1;
  const frontier = new Int32Array(2 * offset + 1);
  // What the frontier held before each round: diagonals −d−1…d+1, so a step back can read k ± 1.
  const rounds: Int32Array[] = [];
  const before = (d: number, k: number): number => (rounds[d] as Int32Array)[k + d + 1] as number;
  for (let d = 0; d <= Math.min(n + m, MAX_SEARCHED_EDITS); d += 1) {
    rounds.push(frontier.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (frontier[offset + k - 1] as number) < (frontier[offset + k + 1] as number));
      let x = down ? (frontier[offset + k + 1] as number) : (frontier[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      frontier[offset + k] = x;
      if (x >= n && y >= m) return walkBack(a, b, d, before);
    }
  }
  return undefined;
}

/** The edits of the path that reached the end in round `last`, from its start. */
function walkBack(a: readonly string[], b: readonly string[], last: number, before: (d: number, k: number) => number): Edit[] {
  const edits: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = last; d >= 0; d -= 1) {
    const k = x - y;
    const down = k === -d || (k !== d && before(d, k - 1) < before(d, k + 1));
    const previousK = down ? k + 1 : k - 1;
    const previousX = d === 0 ? 0 : before(d, previousK);
    const previousY = d === 0 ? 0 : previousX - previousK;
    while (x > previousX && y > previousY) {
      edits.push({ kind: ' ', line: a[x - 1] as string });
      x -= 1;
      y -= 1;
    }
    if (d > 0) {
      if (down) edits.push({ kind: '+', line: b[y - 1] as string });
      else edits.push({ kind: '-', line: a[x - 1] as string });
    }
    x = previousX;
    y = previousY;
  }
  return edits.reverse();
}

function edits(a: readonly string[], b: readonly string[]): Edit[] {
  // The common start and end cost nothing to match, and most changed bodies share most lines.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end += 1;
  const middleA = a.slice(start, a.length - end);
  const middleB = b.slice(start, b.length - end);
  const middle = shortestEdits(middleA, middleB) ?? [
    ...middleA.map((line): Edit => ({ kind: '-', line })),
    ...middleB.map((line): Edit => ({ kind: '+', line })),
  ];
  const kept = (line: string): Edit => ({ kind: ' ', line });
  return [...a.slice(0, start).map(kept), ...middle, ...a.slice(a.length - end).map(kept)];
}

/** `start,count` of a hunk header: a side with no line names the line before the hunk. */
function range(start: number, count: number): string {
  const first = count === 0 ? start : start + 1;
  return count === 1 ? `${first}` : `${first},${count}`;
}

/**
 * The unified diff of `before` and `after` as lines: `--- labelA`, `+++ labelB`, then each hunk.
 * No lines when the texts have the same lines; one note line when they differ only in a newline
 * at the end (which `lines` does not keep).
 */
export function unifiedDiff(before: string, after: string, labelA: string, labelB: string): string[] {
  if (before === after) return [];
  const script = edits(lines(before), lines(after));
  if (script.every((edit) => edit.kind === ' ')) return [`--- ${labelA}`, `+++ ${labelB}`, '(the texts differ only in the line breaks at their end)'];
  const output = [`--- ${labelA}`, `+++ ${labelB}`];
  // Where each edit stands on each side, so a hunk can say where it starts.
  let lineA = 0;
  let lineB = 0;
  const placed = script.map((edit) => {
    const at = { ...edit, lineA, lineB };
    if (edit.kind !== '+') lineA += 1;
    if (edit.kind !== '-') lineB += 1;
    return at;
  });
  let index = 0;
  while (index < placed.length) {
    const firstChange = placed.findIndex((edit, at) => at >= index && edit.kind !== ' ');
    if (firstChange < 0) break;
    const hunkStart = Math.max(index, firstChange - CONTEXT);
    // The hunk runs on while the next change is within twice the context of the last.
    let hunkEnd = firstChange;
    for (let at = firstChange; at < placed.length && at <= hunkEnd + 2 * CONTEXT; at += 1) if ((placed[at] as Edit).kind !== ' ') hunkEnd = at;
    const stop = Math.min(placed.length, hunkEnd + CONTEXT + 1);
    const hunk = placed.slice(hunkStart, stop);
    const first = hunk[0] as (typeof placed)[number];
    const countA = hunk.filter((edit) => edit.kind !== '+').length;
    const countB = hunk.filter((edit) => edit.kind !== '-').length;
    output.push(`@@ -${range(first.lineA, countA)} +${range(first.lineB, countB)} @@`);
    for (const edit of hunk) output.push(`${edit.kind}${edit.line}`);
    index = stop;
  }
  return output;
}
