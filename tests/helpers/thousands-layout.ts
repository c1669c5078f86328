/**
 * Where lemming kept a file of the org in its history before the folders of a record's pieces came
 * (src/history/stored-path.ts then, word for word): a name of six digits in the folders of its number
 * (from 001000 of its thousand too), every other file where the org has it (a piece of the ledger
 * among them: `org/state/ledger/000000065536.jsonl`), the org's folders named like those of numbers
 * with a `~` more. Written out here, apart from the code that reads it back, so a test holds the
 * layout as it was written, not as today's code remembers it.
 */
export function thousandsLayout(path: string): string {
  const parts = path.split('/');
  const name = parts.pop() as string;
  const folders = parts.map((part) => (/^(\d{3}xxx|\d{4}xx|\d{5}x)~*$/.test(part) ? `${part}~` : part));
  const numbered = /^(((\d{3})\d)\d)\d(?:[-.]|$)/.exec(name);
  if (numbered) {
    const [, tens, hundreds, thousand] = numbered as unknown as [string, string, string, string];
    folders.push(...(thousand !== '000' ? [`${thousand}xxx`] : []), `${hundreds}xx`, `${tens}x`);
  }
  folders.push(name);
  return folders.join('/');
}
