import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { terminalLine } from '../../src/cli/cli-context.js';
import { table } from '../../src/cli/commands/status.js';
import { paintEvent } from '../../src/cli/paint-event.js';
import { hasTerminalControl, terminalText } from '../../src/terminal-text/terminal-text.js';
import { REPO_ROOT } from '../helpers/org-files.js';

/** Every code point a terminal acts on rather than shows, by the rule of src/terminal-text. */
function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

describe('terminalText, the one gate for text bound for a terminal', () => {
  test('shows every C0 (but tab and newline), DEL, C1 and bidi control as a visible \\u escape', () => {
    for (let code = 0; code <= 0x2070; code += 1) {
      const character = String.fromCharCode(code);
      const shown = terminalText(`a${character}b`);
      if (isControl(code)) expect(shown).toBe(`a\\u${code.toString(16).padStart(4, '0')}b`);
      else expect(shown).toBe(`a${character}b`);
    }
  });

  test('the sequences of issue 36 come out inert', () => {
    expect(terminalText('\u001b]52;c;cm0=\u0007\u001b[2J\u001b]0;TITLE\u0007')).toBe('\\u001b]52;c;cm0=\\u0007\\u001b[2J\\u001b]0;TITLE\\u0007');
    expect(terminalText('x\u001b[1A\u001b[2K\u001b[8mhidden')).toBe('x\\u001b[1A\\u001b[2K\\u001b[8mhidden');
  });

  test('a line ending in CRLF stays; a lone carriage return, which rewrites the line, is shown', () => {
    expect(terminalText('one\r\ntwo\tthree\n')).toBe('one\r\ntwo\tthree\n');
    expect(terminalText('approve: yes\rno ')).toBe('approve: yes\\u000dno ');
    expect(terminalText('end\r')).toBe('end\\u000d');
  });

  test('text without a control character comes back as the very same string', () => {
    const text = 'manager -> human: Release notes — ready ✓ 😀';
    expect(terminalText(text)).toBe(text);
    expect(hasTerminalControl(text)).toBe(false);
    expect(hasTerminalControl('a\u202eb')).toBe(true);
  });

  test('JSON passed through the gate stays valid JSON of the exact text, and holds no control character', () => {
    const every = Array.from({ length: 0x2070 }, (_, code) => String.fromCharCode(code)).join('');
    const value = { subject: every, nested: [every, `\r\n${every}`] };
    for (const json of [JSON.stringify(value), JSON.stringify(value, null, 2)]) {
      const safe = terminalText(json);
      expect(JSON.parse(safe)).toEqual(value);
      // Newlines of the pretty form are its own layout, not data.
      expect([...safe].some((character) => character !== '\n' && isControl(character.charCodeAt(0)))).toBe(false);
    }
  });

  test("the printer escapes the data, then lemming's own colours go around it", () => {
    const event = { type: 'agent-error', turn: 3, agent: 'manager', message: 'x' } as const;
    const line = terminalLine('[turn 3] manager error: \u001b[2Jboom', (escaped) => paintEvent(event, escaped));
    expect(line).toBe('\u001b[2m[turn 3] \u001b[22m\u001b[31mmanager error: \\u001b[2Jboom\u001b[39m');
  });
});

test("status's table measures the escaped cells, so a control character shifts no column", () => {
  expect(table([['agent', 'last error', 'x'], ['hr', 'boom\u001b[2J', 'y']])).toEqual(['agent  last error     x', 'hr     boom\\u001b[2J  y']);
});

/** Every source file under `folder`, relative to the repository. */
function sources(folder: string): string[] {
  const files: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name)) files.push(relative(REPO_ROOT, path));
    }
  };
  walk(join(REPO_ROOT, folder));
  return files.sort();
}

describe('no terminal surface goes around the gate', () => {
  test('only the printer (src/cli/cli-context.ts) and the log writer (through it) write to standard output or error', () => {
    const writers = ['src/cli', 'src/ui', 'src/engine', 'src/web/watch', 'src/queue', 'src/experiment', 'src/mcp-server']
      .flatMap(sources)
      // A command's own streams (commandIo(): the process's, or those a test gave main) are standard output and error too.
      .filter((file) => /(process|commandIo\(\))\.std(out|err)\.write|console\.(log|error|warn|info)\(/.test(readFileSync(join(REPO_ROOT, file), 'utf8')));
    expect(writers).toEqual(['src/cli/cli-context.ts', 'src/cli/json-log.ts', 'src/web/watch/org-watch.ts']);
    // Those that do pass their text through the gate.
    expect(readFileSync(join(REPO_ROOT, 'src/cli/json-log.ts'), 'utf8')).toMatch(/commandIo\(\)\.stderr\.write\(text\)/);
    expect(readFileSync(join(REPO_ROOT, 'src/cli/json-log.ts'), 'utf8')).toMatch(/write\(`\$\{terminalLine\(JSON\.stringify\(record\)\)\}\\n`\)/);
    expect(readFileSync(join(REPO_ROOT, 'src/web/watch/org-watch.ts'), 'utf8')).toMatch(/process\.stderr\.write\(`\$\{terminalText\(line\)\}\\n`\)/);
  });

  test("the screens take Text from src/ui/shared/text.tsx, which escapes its strings, never ink's own", () => {
    const raw = sources('src/ui').filter((file) => file !== 'src/ui/shared/text.tsx' && /import\s*\{[^}]*\bText\b[^}]*\}\s*from\s*'ink'/.test(readFileSync(join(REPO_ROOT, file), 'utf8')));
    expect(raw).toEqual([]);
  });
});
