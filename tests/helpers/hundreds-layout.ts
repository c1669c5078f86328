/**
 * Where lemming kept a file of the org in its history before the folder of a thousand came
 * (src/history/stored-path.ts then, word for word): two folders down for every number, the org's
 * folders named like those with a `~` more. Written out here, apart from the code that reads it
 * back, so a test holds the layout as it was written, not as today's code remembers it.
 */
export function hundredsLayout(path: string): string {
  const parts = path.split('/');
  const name = parts.pop() as string;
  const folders = parts.map((part) => (/^(\d{4}xx|\d{5}x)(~*)$/.test(part) ? `${part}~` : part));
  const numbered = /^((\d{4})\d)\d(?:[-.]|$)/.exec(name);
  if (numbered) folders.push(`${numbered[2] as string}xx`, `${numbered[1] as string}x`);
  folders.push(name);
  return folders.join('/');
}
