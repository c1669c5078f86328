import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { StreamIndex } from '../../src/memory/memory-index.js';
import { writeMemories } from '../../src/memory/memory-stream.js';
import { DEFAULT_WEIGHTS, rankMemories, type RankingWeights } from '../../src/memory/rank-memories.js';
import { turnMemories } from '../../src/memory/turn-memories.js';
import { combinedRelevance } from '../../src/memory/cosine-relevance.js';
import { embedForRecall } from '../../src/memory/embed-memories.js';
import { openAIEmbedder } from '../../src/providers/openai/openai-embedder.js';
import { gatedEmbedder, type Embedder } from '../../src/providers/embedding-gate.js';
import type { Memory } from '../../src/memory/memory-file.js';
import type { ModelEntry } from '../../src/org/schema.js';
import { clusteredBootstrapMean, pooledMean } from '../../src/statistics/bootstrap.js';
import type { BenchContext } from '../context.js';
import { evidenceRecall } from '../locomo/evidence-recall.js';
import { CATEGORY_NAMES, readLocomo, type LocomoConversation } from '../locomo/locomo-data.js';
import type { Row } from '../row.js';

/** Where the bench looks for a fetched copy of LoCoMo when LEMMING_LOCOMO is not set. */
const DEFAULT_PATH = 'bench/.work/locomo/locomo10.json';
const KS = [5, 10, 25] as const;
const AGENT = 'listener';

/** The rankings measured: relevance alone (BM25 over the words), and Park et al.'s three parts at their weights. */
const RANKINGS: ReadonlyArray<{ name: string; weights: RankingWeights }> = [
  { name: 'BM25 alone', weights: { recency: 0, relevance: 1, importance: 0 } },
  { name: 'Park ranking (recency 0.5, relevance 3, importance 2)', weights: DEFAULT_WEIGHTS },
];

/** recall[ranking][k][category] → each conversation's per-question recalls (the unit of repetition is the conversation). */
type Recalls = Map<string, Map<number, Map<string, number[][]>>>;

/**
 * Each conversation fed to one agent as its mail, a session a turn in the order they were held: the
 * memories the engine writes of mail read (turn-memories.ts, importance by its rule), through its own
 * writer and index. Then each question with evidence is ranked against the stream as a prompt in the
 * turn after the last session would rank it (no earlier recall counted: the agent's own prompts are
 * not run), and recall@k of its evidence turns is counted by category.
 */
async function measure(conversations: readonly LocomoConversation[], directory: string, embedding?: { model: string; embed: Embedder }): Promise<Recalls> {
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
      const index = StreamIndex.of(root, AGENT).refresh();
      const turn = (conversation.sessions.at(-1)?.index ?? 0) + 1;
      for (const question of conversation.questions) {
        const category = CATEGORY_NAMES[question.category] ?? `category ${question.category}`;
        const words = index.relevance(question.question);
        const measured: Array<{ name: string; weights: RankingWeights; relevance: (memory: Memory) => number }> = RANKINGS.map((ranking) => ({ ...ranking, relevance: words }));
        if (embedding) {
          // With a real embedding model: BM25 and cosine each scaled, averaged (cosine-relevance.ts), alone and in Park's ranking.
          const embedded = await embedForRecall(root, AGENT, index.memories(), [question.question], embedding.model, embedding.embed);
          // A query whose vector was refused (memory/vector-rule.ts) is ranked by its words alone, as in a run.
          const vector = embedded.queries[0];
          const both = vector ? combinedRelevance(index.memories(), words, vector, embedded.vectorOf) : words;
          for (const ranking of RANKINGS) measured.push({ name: `${ranking.name.replace('BM25 alone', 'relevance alone')}, with embeddings`, weights: ranking.weights, relevance: both });
        }
        for (const ranking of measured) {
          const ranked = rankMemories(index.memories(), { turn, query: question.question, weights: ranking.weights }, ranking.relevance).map((entry) => entry.memory);
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

/** LoCoMo's evidence recall@k for each ranking, by category (docs/memory.md). Skipped, saying how to fetch it, when no copy is found. */
export async function locomo(context: BenchContext): Promise<Row[]> {
  const path = process.env.LEMMING_LOCOMO ?? DEFAULT_PATH;
  if (!existsSync(path)) {
    context.log(`  LoCoMo not found at ${path}: skipped. Fetch it (github.com/snap-research/locomo: data/locomo10.json, or data/locomo10.zip unzipped, whose locomo10_v2/ folder holds a file per conversation) and set LEMMING_LOCOMO to the file or folder. lemming ships none of it (the repository states no licence).`);
    return [];
  }
  const storage = context.storages[0];
  if (!storage) return [];
  const conversations = readLocomo(path);
  const questions = conversations.reduce((sum, conversation) => sum + conversation.questions.length, 0);
  const memories = conversations.reduce((sum, conversation) => sum + conversation.sessions.reduce((turns, session) => turns + session.turns.length, 0), 0);
  context.log(`  LoCoMo: ${conversations.length} conversations, ${memories} dialogue turns (a memory each), ${questions} questions with evidence`);
  const embedding = embeddingModel();
  const recalls = await measure(conversations, storage.directory, embedding);
  const rows: Row[] = [];
  const categories = ['single-hop', 'multi-hop', 'temporal', 'open-domain', 'adversarial', 'all'];
  for (const ranking of [...recalls.keys()].map((name) => ({ name }))) {
    for (const category of categories) {
      const byK = KS.map((k) => recalls.get(ranking.name)?.get(k)?.get(category) ?? []);
      const n = byK[0]?.reduce((sum, cluster) => sum + cluster.length, 0) ?? 0;
      if (n === 0) continue;
      const parts = byK.map((clusters, index) => {
        const mean = pooledMean(clusters);
        const [low, high] = clusteredBootstrapMean(clusters, 17);
        return { k: KS[index] ?? 0, mean, low, high };
      });
      for (const part of parts) {
        rows.push({ what: `LoCoMo evidence recall@${part.k}, ${ranking.name}, ${category} (${n} questions; 95% interval ${(100 * part.low).toFixed(1)}–${(100 * part.high).toFixed(1)}, by conversation)`, figure: { count: Math.round(1000 * part.mean) / 10, unit: '%' } });
      }
      context.log(`  ${ranking.name}, ${category} (n=${n}): ${parts.map((part) => `@${part.k} ${(100 * part.mean).toFixed(1)}%`).join(', ')}`);
    }
  }
  if (!embedding) context.log('  with embeddings: not measured (set LEMMING_EMBEDDINGS_URL, an OpenAI-compatible server\'s /v1, and LEMMING_EMBEDDINGS_MODEL to measure them)');
  return rows;
}

/** A real embedding model, when the person running the bench names one: LEMMING_EMBEDDINGS_URL (its /v1) and LEMMING_EMBEDDINGS_MODEL, the key in LEMMING_EMBEDDINGS_KEY. */
function embeddingModel(): { model: string; embed: Embedder } | undefined {
  const url = process.env.LEMMING_EMBEDDINGS_URL;
  const model = process.env.LEMMING_EMBEDDINGS_MODEL;
  if (!url || !model) return undefined;
  const entry = { provider: 'openai-compatible', model, base_url: url, input_price: 0, output_price: 0, context_window: 8192 } as ModelEntry;
  return { model, embed: gatedEmbedder(openAIEmbedder({ modelKey: 'embeddings', entry, apiKey: process.env.LEMMING_EMBEDDINGS_KEY ?? 'none' }), 'embeddings', entry) };
}
