/**
 * Where a YAML syntax error really is. The parser notices an unclosed `[`, `{` or quote
 * only where the text goes on without closing it, often a line or two later (or at the
 * end of the file); a person needs the line that opened it. Returns the offset of the
 * opener still open at `errorOffset`, or undefined when nothing is open there. Pure.
 */
export function unclosedOpener(text: string, errorOffset: number): number | undefined {
  const open: number[] = [];
  let quote: { char: '"' | "'"; offset: number } | undefined;
  let comment = false;
  const end = Math.min(errorOffset, text.length);
  for (let index = 0; index < end; index += 1) {
    const char = text[index];
    if (comment) {
      if (char === '\n') comment = false;
      continue;
    }
    if (quote) {
      if (quote.char === '"' && char === '\\') index += 1;
      else if (char === quote.char) {
        // In single quotes, '' is a quote inside the text.
        if (quote.char === "'" && text[index + 1] === "'") index += 1;
        else quote = undefined;
      }
      continue;
    }
    const before = index === 0 ? '\n' : text[index - 1];
    if (char === '#' && (before === ' ' || before === '\t' || before === '\n')) comment = true;
    else if ((char === '"' || char === "'") && isValueStart(text, index, open.length > 0)) quote = { char, offset: index };
    else if (char === '[' || char === '{') open.push(index);
    else if ((char === ']' || char === '}') && open.length > 0) open.pop();
  }
  return quote?.offset ?? open.at(-1);
}

/** A quote opens a string only where a value starts: a quote inside plain text (`it's`) is just a character. */
function isValueStart(text: string, index: number, inFlow: boolean): boolean {
  let back = index - 1;
  while (back >= 0 && (text[back] === ' ' || text[back] === '\t')) back -= 1;
  const previous = back < 0 ? '\n' : text[back];
  return previous === '\n' || previous === ':' || previous === '-' || (inFlow && (previous === ',' || previous === '[' || previous === '{'));
}
