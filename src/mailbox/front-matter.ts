/**
 * Split a markdown file into its YAML front matter and body. Pure: text in, parts out.
 * Returns undefined when the text does not open with a `---` fence that is closed.
 */
export function splitFrontMatter(text: string): { yaml: string; body: string; bodyLine: number } | undefined {
  const normalised = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const opening = /^---[ \t]*\r?\n/.exec(normalised);
  if (!opening) return undefined;
  const rest = normalised.slice(opening[0].length);
  const closing = /^---[ \t]*(\r?\n|$)/m.exec(rest);
  if (!closing) return undefined;
  const yaml = rest.slice(0, closing.index);
  const body = rest.slice(closing.index + closing[0].length);
  const bodyLine = 2 + countLines(yaml) + 1;
  return { yaml, body, bodyLine };
}

function countLines(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) === 10) count += 1;
  return count;
}
