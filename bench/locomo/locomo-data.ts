import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * LoCoMo (Maharana et al., ACL 2024; github.com/snap-research/locomo): ten very long conversations
 * between two people, each with questions whose evidence is annotated as the dialogue turns that hold
 * it (`D3:7`: session 3, turn 7). The repository states no licence, so lemming ships none of it: the
 * bench reads a copy the person fetched (docs/memory.md says how).
 */
export interface LocomoConversation {
  id: string;
  /** In the order they were held. */
  sessions: LocomoSession[];
  questions: LocomoQuestion[];
}

export interface LocomoSession {
  /** 1, 2, …: the order of the sessions. */
  index: number;
  /** When it was held, as the data says it (`1:56 pm on 8 May, 2023`). */
  date: string;
  turns: Array<{ speaker: string; diaId: string; text: string }>;
  /** The data's summary of the session (`session_<n>_summary`, made by the authors with a model), where it has one: a long report of what was said. */
  summary?: string;
}

export interface LocomoQuestion {
  question: string;
  /** The dialogue turns that hold the answer (`D1:3`). */
  evidence: string[];
  category: number;
}

/**
 * The names commonly given to the data's five categories (the data gives only the numbers; this
 * reading is the one mem0's and later evaluations use).
 */
export const CATEGORY_NAMES: Record<number, string> = { 1: 'multi-hop', 2: 'temporal', 3: 'open-domain', 4: 'single-hop', 5: 'adversarial' };

/** One conversation as the data holds it: `conversation` with its sessions (locomo10.json), or the sessions at the top (the zip's per-conversation files). */
export function parseConversation(id: string, sample: Record<string, unknown>): LocomoConversation {
  const conversation = (typeof sample.conversation === 'object' && sample.conversation !== null ? sample.conversation : sample) as Record<string, unknown>;
  const sessions: LocomoSession[] = [];
  for (const [key, value] of Object.entries(conversation)) {
    const match = /^session_(\d+)$/.exec(key);
    if (!match || !Array.isArray(value)) continue;
    const index = Number(match[1]);
    const turns = (value as Array<Record<string, unknown>>).flatMap((turn) => {
      if (typeof turn.speaker !== 'string' || typeof turn.dia_id !== 'string' || typeof turn.text !== 'string') return [];
      // A shared photo is in the turn as its caption, as the paper's retrieval reads it.
      const caption = typeof turn.blip_caption === 'string' ? ` [shares ${turn.blip_caption}]` : '';
      return [{ speaker: turn.speaker, diaId: turn.dia_id, text: `${turn.text}${caption}` }];
    });
    // The zip's files keep the summaries beside the conversation; locomo10.json under `session_summary`.
    const summaries = (typeof sample.session_summary === 'object' && sample.session_summary !== null ? sample.session_summary : sample) as Record<string, unknown>;
    const summary = summaries[`session_${index}_summary`];
    sessions.push({ index, date: String(conversation[`session_${index}_date_time`] ?? ''), turns, ...(typeof summary === 'string' && summary.trim() !== '' ? { summary } : {}) });
  }
  sessions.sort((left, right) => left.index - right.index);
  const questions = (Array.isArray(sample.qa) ? (sample.qa as Array<Record<string, unknown>>) : []).flatMap((item) => {
    const evidence = (Array.isArray(item.evidence) ? item.evidence : []).flatMap((entry) => String(entry).split(/[;,\s]+/)).filter((entry) => /^D\d+:\d+$/.test(entry));
    if (typeof item.question !== 'string' || evidence.length === 0) return [];
    return [{ question: item.question, evidence, category: Number(item.category) }];
  });
  return { id: String(sample.sample_id ?? id), sessions, questions };
}

/**
 * Where the bench finds a fetched copy when LEMMING_LOCOMO does not say: `locomo10.json` (the
 * repository's data file), or the `locomo10_v2/` folder that `data/locomo10.zip` unzips to, under
 * bench/.work/locomo/ (bench/.work is not committed). The first that exists; undefined when neither does.
 */
export function locomoPath(given = process.env.LEMMING_LOCOMO): string | undefined {
  const candidates = given ? [given] : ['bench/.work/locomo/locomo10.json', 'bench/.work/locomo/locomo10_v2'];
  return candidates.find((candidate) => existsSync(candidate));
}

/** The conversations of a fetched copy: `locomo10.json` (a list), or a folder of one file per conversation (the zip's `locomo10_v2/`). */
export function readLocomo(path: string): LocomoConversation[] {
  if (statSync(path).isDirectory()) {
    return readdirSync(path)
      .filter((name) => name.endsWith('.json'))
      .sort((left, right) => Number.parseInt(left, 10) - Number.parseInt(right, 10) || left.localeCompare(right))
      .map((name) => parseConversation(name.replace(/\.json$/, ''), JSON.parse(readFileSync(join(path, name), 'utf8')) as Record<string, unknown>));
  }
  const data = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const samples = Array.isArray(data) ? data : [data];
  return samples.map((sample, index) => parseConversation(String(index), sample as Record<string, unknown>));
}
