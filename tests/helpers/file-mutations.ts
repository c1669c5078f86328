import type { Random } from './seeded-random.js';
import { aliasBomb } from './hostile-yaml.js';

/** What a file of the org is: plain YAML, or markdown with YAML front matter. */
export type FileKind = 'yaml' | 'markdown';

/** A file's new state: bytes, a folder in its place, or a sparse file of this many bytes. */
export type Mutated = { bytes: Buffer } | { folder: true } | { sparse: number };

/** One way to break (or merely disturb) a file a person can edit. */
export interface Mutation {
  name: string;
  apply(text: string, random: Random, kind: FileKind): Mutated;
}

const MB = 1024 * 1024;

const bytes = (text: string | Buffer): Mutated => ({ bytes: typeof text === 'string' ? Buffer.from(text, 'utf8') : text });

/** Put YAML lines at the top of a file's YAML: after the opening fence of front matter, or first in a YAML file. */
function intoYaml(text: string, kind: FileKind, lines: string): string {
  if (kind === 'yaml') return `${lines}${text}`;
  return /^---\r?\n/.test(text) ? text.replace(/^---\r?\n/, `---\n${lines}`) : `---\n${lines}---\n${text}`;
}

/** Byte offsets where a change lands: anywhere in the file. */
function at(random: Random, length: number): number {
  return random.int(0, Math.max(0, length));
}

function splice(buffer: Buffer, offset: number, insert: Buffer, remove = 0): Buffer {
  return Buffer.concat([buffer.subarray(0, offset), insert, buffer.subarray(offset + remove)]);
}

/** The value a `key: value` line of the file gets instead of its own: every type but the right one. */
const WRONG_VALUES = ['[1, 2]', '{a: 1}', '-3', '"x"', 'null', 'true', '1e309', '.nan', '!!binary aGk=', '!!set {a}', '!!js/function f', '2024-01-01', "''", '[*nowhere]', '{__proto__: {polluted: 1}}', `"${'w'.repeat(5000)}"`];

/** Every mutation the fuzz suites draw from. */
export const MUTATIONS: readonly Mutation[] = [
  { name: 'alias bomb', apply: (text, random, kind) => bytes(intoYaml(text, kind, aliasBomb(random.int(6, 14), `b${random.int(0, 99)}_`))) },
  { name: 'alias to no anchor', apply: (text, _random, kind) => bytes(intoYaml(text, kind, 'dangling: *nowhere\n')) },
  { name: 'alias inside its own anchor', apply: (text, _random, kind) => bytes(intoYaml(text, kind, 'loop: &loop [1, *loop]\n')) },
  {
    name: 'deep nesting in brackets',
    apply: (text, random, kind) => {
      const depth = random.int(50, 20_000);
      return bytes(intoYaml(text, kind, `deep: ${'['.repeat(depth)}${']'.repeat(depth)}\n`));
    },
  },
  {
    name: 'deep nesting by indentation',
    apply: (text, random, kind) => {
      const depth = random.int(50, 1_000);
      return bytes(intoYaml(text, kind, `${Array.from({ length: depth }, (_, level) => `${' '.repeat(level)}k${level}:`).join('\n')}\n`));
    },
  },
  {
    name: 'invalid UTF-8',
    apply: (text, random) => {
      const buffer = Buffer.from(text, 'utf8');
      const bad = random.pick([[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0xc0, 0xaf]]);
      return bytes(splice(buffer, at(random, buffer.length), Buffer.from(bad)));
    },
  },
  { name: 'UTF-8 byte order mark', apply: (text) => bytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])) },
  { name: 'UTF-16', apply: (text) => bytes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])) },
  {
    name: 'NUL byte',
    apply: (text, random) => {
      const buffer = Buffer.from(text, 'utf8');
      return bytes(splice(buffer, at(random, buffer.length), Buffer.from([0])));
    },
  },
  {
    name: 'huge line',
    apply: (text, random, kind) => bytes(intoYaml(text, kind, `# ${'x'.repeat(random.int(64 * 1024, 3 * MB))}\n`)),
  },
  { name: 'huge file (sparse)', apply: (_text, random) => ({ sparse: random.int(40, 80) * MB }) },
  {
    name: 'truncation',
    apply: (text, random) => {
      const buffer = Buffer.from(text, 'utf8');
      return bytes(buffer.subarray(0, at(random, buffer.length - 1)));
    },
  },
  {
    name: 'wrong type',
    apply: (text, random) => {
      const lines = text.split('\n');
      const fields = lines.map((line, index) => ({ line, index })).filter(({ line }) => /^\s*[a-z_]+:\s*\S/.test(line));
      if (fields.length === 0) return bytes(`${text}\nextra: [1, 2]\n`);
      const chosen = random.pick(fields);
      lines[chosen.index] = chosen.line.replace(/:\s*\S.*$/, `: ${random.pick(WRONG_VALUES)}`);
      return bytes(lines.join('\n'));
    },
  },
  {
    name: 'duplicate key',
    apply: (text, random) => {
      const lines = text.split('\n');
      const fields = lines.map((line, index) => ({ line, index })).filter(({ line }) => /^[a-z_]+:/.test(line));
      if (fields.length === 0) return bytes(text);
      const chosen = random.pick(fields);
      lines.splice(chosen.index, 0, chosen.line);
      return bytes(lines.join('\n'));
    },
  },
  { name: 'a list at the top', apply: (text, _random, kind) => bytes(kind === 'yaml' ? '- a\n- b\n' : `---\n- a\n- b\n---\n${text}`) },
  { name: 'text at the top', apply: (text, _random, kind) => bytes(kind === 'yaml' ? 'just some words\n' : `---\njust some words\n---\n${text}`) },
  { name: 'two documents', apply: (text, _random, kind) => bytes(kind === 'yaml' ? `${text}\n---\nagain: 1\n` : text.replace(/\n---\n/, '\n---\nagain: 1\n---\n')) },
  { name: 'tabs for indentation', apply: (text) => bytes(text.replace(/\n {2}/g, '\n\t')) },
  { name: 'CRLF line ends', apply: (text) => bytes(text.replace(/\r?\n/g, '\r\n')) },
  {
    name: 'bytes flipped',
    apply: (text, random) => {
      const buffer = Buffer.from(text, 'utf8');
      for (let count = random.int(1, 8); count > 0 && buffer.length > 0; count -= 1) buffer[random.int(0, buffer.length - 1)] = random.int(0, 255);
      return bytes(buffer);
    },
  },
  { name: 'empty', apply: () => bytes('') },
  { name: 'a folder in its place', apply: () => ({ folder: true }) },
  {
    name: 'JavaScript front matter',
    apply: (text, _random, kind) => bytes(kind === 'yaml' ? `---js\nprocess.exit(3)\n---\n${text}` : text.replace(/^---/, '---js\nprocess.exit(3)\n//')),
  },
  { name: 'prototype keys', apply: (text, _random, kind) => bytes(intoYaml(text, kind, '__proto__: {polluted: 1}\nconstructor: {prototype: {polluted: 2}}\n')) },
  { name: 'many keys', apply: (text, random, kind) => bytes(intoYaml(text, kind, `many:\n${Array.from({ length: random.int(1_000, 20_000) }, (_, index) => `  k${index}: ${index}`).join('\n')}\n`)) },
  { name: 'unclosed quote', apply: (text, _random, kind) => bytes(intoYaml(text, kind, 'open: "never closed\n')) },
];
