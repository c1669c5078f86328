import { splitFrontMatter } from '../mailbox/front-matter.js';
import { splitOwnFrontMatter, yamlString } from '../mailbox/front-matter-fast.js';
import { abbreviated } from '../terminal-text/terminal-text.js';

/** What a memory is: something the agent saw or did, an insight it drew from others, or what it means to do. */
export const MEMORY_KINDS = ['observation', 'reflection', 'plan'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

/** One memory of an agent's stream: `agents/<name>/memory/stream/<id>-<kind>.md`. */
export interface Memory {
  /** `000012-003`: the turn it was written in and its place among that turn's; a person's own file may be named anything. */
  id: string;
  /** The turn in which the agent saw or did it (0 for what it knew before its first turn). */
  turn: number;
  kind: MemoryKind;
  /** 1 (mundane) to 10 (must not be forgotten). */
  importance: number;
  /** Where it came from: message ids, files (relative to the org root), or, for a reflection, the memories it rests on. */
  sources: string[];
  /** The model that rated its importance (model-importance.ts); absent: the rule's (importance.ts). */
  rated?: string;
  text: string;
}

/** The most characters of a memory's text the engine writes (a person may write more; a prompt shows what fits). */
export const MEMORY_TEXT_CHARS = 1_000;

/** The memory's file name: its id and kind, so a listing sorts by turn and says what each is. */
export function memoryFileName(memory: Pick<Memory, 'id' | 'kind'>): string {
  return `${memory.id}-${memory.kind}.md`;
}

/**
 * A memory as markdown with front matter, fields in a fixed order, so the same memory is always the
 * same bytes (a replay writes what the recording did). Pure; the inverse of parseMemoryFile.
 */
export function formatMemory(memory: Memory): string {
  const lines = ['---', `id: ${yamlString(memory.id)}`, `turn: ${memory.turn}`, `kind: ${memory.kind}`, `importance: ${memory.importance}`];
  if (memory.sources.length > 0) lines.push(`sources: ${yamlString(memory.sources.join(', '))}`);
  if (memory.rated !== undefined) lines.push(`rated: ${yamlString(memory.rated)}`);
  lines.push('---');
  return `${lines.join('\n')}\n${memory.text.endsWith('\n') ? memory.text : `${memory.text}\n`}`;
}

const OWN_LINE = /^(id|turn|kind|importance|sources|rated): (.*)$/;

/** The front matter lemming writes itself, read without the YAML parser; undefined for anything else. */
function ownFields(yaml: string): Record<string, unknown> | undefined {
  const fields: Record<string, unknown> = {};
  for (const line of yaml.split('\n')) {
    if (line === '') continue;
    const match = OWN_LINE.exec(line);
    if (!match) return undefined;
    const [, key = '', value = ''] = match;
    if (key in fields) return undefined;
    if (value.startsWith('"')) {
      try {
        fields[key] = JSON.parse(value) as unknown;
      } catch {
        return undefined;
      }
    } else if (/^[\w./ ,-]*$/.test(value)) {
      const number = key === 'turn' || key === 'importance' ? Number(value) : undefined;
      // Not a number as written ("five", ".nan"): the YAML parser reads it, so an error quotes what the file holds.
      if (number !== undefined && !Number.isFinite(number)) return undefined;
      fields[key] = number ?? value;
    } else {
      return undefined;
    }
  }
  return fields;
}

/** The id a file's name gives: `000012-003-observation.md` is `000012-003`, `mine.md` is `mine`. */
function idOfName(fileName: string): string {
  const stem = fileName.replace(/\.md$/, '');
  return stem.replace(new RegExp(`-(${MEMORY_KINDS.join('|')})$`), '');
}

/** The turn a file's name gives (`000012-…`), or 0. */
function turnOfName(fileName: string): number {
  const match = /^(\d{6})-/.exec(fileName);
  return match ? Number(match[1]) : 0;
}

/** A first line that opens front matter: `---` alone (a byte-order mark before it, blanks after it). */
const OPENING_FENCE = /^\uFEFF?---[ \t]*\r?\n/;

const problemExample = 'a memory file looks like `---\\nid: 000012-003\\nturn: 12\\nkind: observation\\nimportance: 5\\nsources: 000011-human-001\\n---\\nWhat happened.`';

/**
 * Read a memory file, one lemming wrote or a person wrote or edited: what its front matter leaves
 * out comes from its name (id, turn, kind) or a default (importance 5, no sources); a file with no
 * front matter at all is one observation. What cannot be read (front matter opened and never closed,
 * or not YAML, a kind or importance out of range) is an error naming the field and showing a valid file. Pure.
 */
export function parseMemoryFile(text: string, fileName: string): { memory: Memory } | { error: string } {
  const own = splitOwnFrontMatter(text);
  // Opened and never closed (a file cut short, a fence forgotten) is not a memory whose text is its front matter.
  if (!own && OPENING_FENCE.test(text)) return { error: `its front matter is not closed by a line of ---; ${problemExample}` };
  let fields = own ? ownFields(own.yaml) : {};
  let body = own ? own.body : text;
  // A field's value as the file writes it, for an error: the YAML parser reads `.nan` as NaN (the lines lemming writes hold no such number).
  let textOf = (_key: string): string | undefined => undefined;
  if (fields === undefined) {
    const parts = splitFrontMatter(text);
    if (!parts) return { error: `its front matter is not closed by a line of ---; ${problemExample}` };
    const parsed = parts.parsed;
    if (parsed.errors.length > 0) return { error: `its front matter is not valid YAML (line ${parsed.errors[0]?.line}: ${parsed.errors[0]?.message}); ${problemExample}` };
    if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) return { error: `its front matter is not a set of fields; ${problemExample}` };
    fields = parsed.value as Record<string, unknown>;
    body = parts.body;
    textOf = (key) => parsed.textOf?.([key]);
  }
  const kind = fields.kind ?? kindOfName(fileName);
  if (!(MEMORY_KINDS as readonly unknown[]).includes(kind)) return { error: `kind must be observation, reflection or plan, not ${written(kind)}; ${problemExample}` };
  const importance = fields.importance ?? 5;
  if (typeof importance !== 'number' || !Number.isInteger(importance) || importance < 1 || importance > 10) return { error: `importance must be a whole number from 1 to 10, not ${written(importance, textOf('importance'))}` };
  const turn = fields.turn ?? turnOfName(fileName);
  if (typeof turn !== 'number' || !Number.isInteger(turn) || turn < 0) return { error: `turn must be a whole number of 0 or more, not ${written(turn, textOf('turn'))}` };
  const id = fields.id ?? idOfName(fileName);
  if (typeof id !== 'string' || id === '') return { error: `id must be text, like 000012-003, not ${written(id)}` };
  const rated = fields.rated;
  if (rated !== undefined && (typeof rated !== 'string' || rated === '')) return { error: `rated must name the model that rated its importance, like gpt-4o-mini, not ${written(rated)}` };
  return { memory: { id, turn, kind: kind as MemoryKind, importance, sources: sourcesOf(fields.sources), ...(rated === undefined ? {} : { rated }), text: body.replace(/\s+$/, '') } };
}

/**
 * A field's value in an error, as the file holds it: text quoted, a number as the file writes it
 * (`asWritten`: `.nan`, `1e400`, which JavaScript calls NaN and Infinity), cut short past 60 characters.
 */
function written(value: unknown, asWritten?: string): string {
  return typeof value === 'number' ? abbreviated(asWritten ?? String(value)) : (JSON.stringify(value) ?? String(value));
}

/** The kind a file's name ends with, or an observation. */
function kindOfName(fileName: string): MemoryKind {
  const stem = fileName.replace(/\.md$/, '');
  return MEMORY_KINDS.find((kind) => stem.endsWith(`-${kind}`)) ?? 'observation';
}

/** `sources:` as lemming writes it (one line, comma-separated) or as a person may (a YAML list). */
function sourcesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter((source) => source !== '');
  if (typeof value === 'string' || typeof value === 'number') return String(value).split(/\s*,\s*/).filter((source) => source !== '');
  return [];
}
