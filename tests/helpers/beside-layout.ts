import { thousandsLayout } from './thousands-layout.js';

/**
 * Where lemming kept a file of the org in its history before the folder of numbers came
 * (src/history/stored-path.ts then, word for word): a name of six digits in the folders of its number
 * beside it (from 001000 of its thousand too), a record's piece (twelve digits or more, then
 * `.jsonl`) in the folders of its offset's leading digits, every other file where the org has it; the
 * org's folders named like either with a `~` more.
 */
export function besideLayout(path: string): string {
  const parts = path.split('/');
  const name = parts.pop() as string;
  const piece = /^(\d{12,})\.jsonl$/.exec(name)?.[1];
  if (piece === undefined) return thousandsLayout(parts.map((part) => (/^(?=[\dx]{12})\d+x{2,}~*$/.test(part) ? `${part}~` : part)).concat(name).join('/'));
  const folders = parts.map((part) => (/^(\d{3}xxx|\d{4}xx|\d{5}x)~*$/.test(part) || /^(?=[\dx]{12})\d+x{2,}~*$/.test(part) ? `${part}~` : part));
  for (let kept = 2 - (piece.length % 2); kept <= piece.length - 2; kept += 2) folders.push(piece.slice(0, kept).padEnd(piece.length, 'x'));
  return [...folders, name].join('/');
}
