import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { embedRecall, recallFor } from '../../src/memory/memory-layer.js';
import type { EmbeddedRecall } from '../../src/memory/embed-memories.js';
import { writeMemories } from '../../src/memory/memory-stream.js';
import type { RankingWeights } from '../../src/memory/rank-memories.js';
import { turnMemories } from '../../src/memory/turn-memories.js';
import type { AgentMemory } from '../../src/org/org.js';
import type { Embedder } from '../../src/providers/embedding-gate.js';
import { evidenceRecall } from './evidence-recall.js';
import { CATEGORY_NAMES, type LocomoConversation } from './locomo-data.js';

/** The k of recall@k: how many memories a prompt shows in all. */
export const KS = [5, 10, 25] as const;
const AGENT = 'listener';
/** The long reports a question is shown beside: the summaries of the conversation's latest sessions, the newest first. */
const REPORTS = 2;
/** A budget the candidates of every k fit in many times over (the memory layer hands three budgets' worth). */
const BUDGET_TOKENS = 2_000;

/**
 * What a prompt holds and how its memories are ranked: the question alone, or beside two long reports
 * (the two latest sessions' summaries) with one ranking for the words of all three (`together`, as
 * lemming ranked before issue 75) or a ranking each merged in rounds (`each`, as it ranks now); by the
 * words alone, or by the words and a vector (`embeddings`).
 */
export interface Ranking {
  name: string;
  weights: RankingWeights;
  prompt: 'alone' | 'together' | 'each';
  embeddings?: true;
}

/** recall[ranking][k][category] → each conversation's per-question recalls, in the order of its questions (the same for every ranking, so two rankings' differences pair question by question). */
export type Recalls = Map<string, Map<number, Map<string, number[][]>>>;

/**
 * Each conversation fed to one agent as its mail, a session a turn in the order they were held: the
 * memories the engine writes of mail read (turn-memories.ts, importance by its rule), through its own
 * writer and index. Then each question with evidence is asked as a prompt in the turn after the last
 * session would ask it, through the memory layer's own retrieval (memory-layer.ts, recallFor; no earlier
 * recall counted: the agent's own prompts are not run), once for each ranking, and recall@k of its
 * evidence turns among the first k memories is counted by category. With `embedding`, the vectors are
 * made as a run makes them (embedRecall: the memories once, the queries each time).
 */
export async function measureRecall(conversations: readonly LocomoConversation[], directory: string, rankings: readonly Ranking[], embedding?: { model: string; embed: Embedder }): Promise<Recalls> {
  const recalls: Recalls = new Map();
  const slot = (ranking: string, k: number, category: string, conversation: number): number[] => {
    const byK = recalls.get(ranking) ?? new Map<number, Map<string, number[][]>>();
    recalls.set(ranking, byK);
    const byCategory = byK.get(k) ?? new Map<string, number[][]>();
    byK.set(k, byCategory);
    const clusters = byCategory.get(category) ?? conversations.map(() => []);
    byCategory.set(category, clusters);
    return clusters[conversation] ?? [];
  };
  for (const [place, conversation] of conversations.entries()) {
    const root = mkdtempSync(join(directory, 'locomo-'));
    try {
      for (const session of conversation.sessions) {
        const read = session.turns.map((turn) => ({ id: turn.diaId, party: turn.speaker, subject: session.date, priority: 'normal', body: turn.text }));
        writeMemories(root, AGENT, turnMemories({ turn: session.index, agent: AGENT, read, sent: [], notes: [], tools: [], insights: [] }));
      }
      const turn = (conversation.sessions.at(-1)?.index ?? 0) + 1;
      const reports = conversation.sessions.flatMap((session) => (session.summary ? [session.summary] : [])).slice(-REPORTS).reverse();
      for (const question of conversation.questions) {
        const category = CATEGORY_NAMES[question.category] ?? `category ${question.category}`;
        const textsOf = (prompt: Ranking['prompt']): string[] => (prompt === 'alone' ? [question.question] : prompt === 'together' ? [[question.question, ...reports].join('\n')] : [question.question, ...reports]);
        // The vectors of each prompt's queries, made once for the question (the memories' once for the conversation).
        const embedded = new Map<Ranking['prompt'], EmbeddedRecall>();
        for (const ranking of rankings) {
          const texts = textsOf(ranking.prompt);
          let given: EmbeddedRecall | undefined;
          if (ranking.embeddings && embedding) {
            given = embedded.get(ranking.prompt) ?? (await embedRecall(root, AGENT, turn, texts, embedding.model, embedding.embed));
            embedded.set(ranking.prompt, given);
          } else if (ranking.embeddings) continue;
          const settings: AgentMemory = { budgetTokens: BUDGET_TOKENS, reflect: { every: 0, importance: 0 }, weights: ranking.weights };
          const ranked = recallFor(root, AGENT, settings, turn, texts, given).memories;
          for (const k of KS) {
            const recall = evidenceRecall(ranked, question.evidence, k);
            slot(ranking.name, k, category, place).push(recall);
            slot(ranking.name, k, 'all', place).push(recall);
          }
        }
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  return recalls;
}
