import { DEFAULT_WEIGHTS, type RankingWeights } from '../../src/memory/rank-memories.js';
import { openAIEmbedder } from '../../src/providers/openai/openai-embedder.js';
import { gatedEmbedder, type Embedder } from '../../src/providers/embedding-gate.js';
import type { ModelEntry } from '../../src/org/schema.js';
import { clusteredBootstrapMean, pooledMean } from '../../src/statistics/bootstrap.js';
import type { BenchContext } from '../context.js';
import { locomoPath, readLocomo } from '../locomo/locomo-data.js';
import { KS, measureRecall, type Ranking, type Recalls } from '../locomo/locomo-recall.js';
import { PAPER_CATEGORIES, PAPER_DIALOG_RECALL } from '../locomo/paper-figures.js';
import { startStandInEmbeddings } from '../locomo/stand-in-embeddings.js';
import type { Row } from '../row.js';

const CATEGORIES = ['single-hop', 'multi-hop', 'temporal', 'open-domain', 'adversarial', 'all'];
const SEED = 17;

/** Relevance alone: BM25 over the words, the others weighed 0. The weights docs/memory.md gives for long conversations. */
const RELEVANCE_ALONE: RankingWeights = { recency: 0, relevance: 1, importance: 0 };
const BM25 = 'BM25 alone (recency 0, relevance 1, importance 0)';
const PARK = 'Park ranking (recency 0.5, relevance 3, importance 2)';

/** Park's ranking with each part taken out, each of the two others alone, and relevance with a little of one of them: what each part gains or costs. */
const PARTS: ReadonlyArray<{ name: string; weights: RankingWeights }> = [
  { name: 'Park without recency (recency 0, relevance 3, importance 2)', weights: { ...DEFAULT_WEIGHTS, recency: 0 } },
  { name: 'Park without importance (recency 0.5, relevance 3, importance 0)', weights: { ...DEFAULT_WEIGHTS, importance: 0 } },
  { name: 'Park without relevance (recency 0.5, relevance 0, importance 2)', weights: { ...DEFAULT_WEIGHTS, relevance: 0 } },
  { name: 'recency alone (recency 1, others 0)', weights: { recency: 1, relevance: 0, importance: 0 } },
  { name: 'importance alone (importance 1, others 0)', weights: { recency: 0, relevance: 0, importance: 1 } },
  { name: 'relevance with a little recency (recency 0.1, relevance 3, importance 0)', weights: { recency: 0.1, relevance: 3, importance: 0 } },
  { name: 'relevance with a little importance (recency 0, relevance 3, importance 0.25)', weights: { recency: 0, relevance: 3, importance: 0.25 } },
];

/** The two weightings measured in every setting: relevance alone, and Park's. */
const WEIGHINGS: ReadonlyArray<{ name: string; weights: RankingWeights }> = [
  { name: BM25, weights: RELEVANCE_ALONE },
  { name: PARK, weights: DEFAULT_WEIGHTS },
];

/** How a prompt holds the question, in the rows' words. */
const PROMPTS: Record<Ranking['prompt'], string> = {
  alone: '',
  together: ', the question beside two session summaries, one ranking for all three',
  each: ', the question beside two session summaries, a ranking each merged in rounds',
};

/** Every ranking the section measures, by name. */
function rankingsMeasured(): Ranking[] {
  const rankings: Ranking[] = [];
  for (const weighing of WEIGHINGS) for (const prompt of ['alone', 'together', 'each'] as const) rankings.push({ name: `${weighing.name}${PROMPTS[prompt]}`, weights: weighing.weights, prompt });
  for (const part of PARTS) rankings.push({ ...part, prompt: 'alone' });
  for (const weighing of WEIGHINGS) for (const prompt of ['alone', 'each'] as const) rankings.push({ name: `${weighing.name}${PROMPTS[prompt]}, with embeddings`, weights: weighing.weights, prompt, embeddings: true });
  return rankings;
}

/** LoCoMo's evidence recall@k for each ranking (docs/memory.md), the paper's beside them. Skipped, saying how to fetch it, when no copy is found. */
export async function locomo(context: BenchContext): Promise<Row[]> {
  const path = locomoPath();
  if (!path) {
    context.log('  LoCoMo not found: skipped. Fetch it (github.com/snap-research/locomo: data/locomo10.json, or data/locomo10.zip unzipped, whose locomo10_v2/ folder holds a file per conversation) into bench/.work/locomo/, or set LEMMING_LOCOMO to the file or folder. lemming ships none of it (the repository states no licence).');
    return [];
  }
  const storage = context.storages[0];
  if (!storage) return [];
  const conversations = readLocomo(path);
  const questions = conversations.reduce((sum, conversation) => sum + conversation.questions.length, 0);
  const memories = conversations.reduce((sum, conversation) => sum + conversation.sessions.reduce((turns, session) => turns + session.turns.length, 0), 0);
  context.log(`  LoCoMo (${path}): ${conversations.length} conversations, ${memories} dialogue turns (a memory each), ${questions} questions with evidence`);
  const embedding = await embeddingModel();
  context.log(`  with embeddings: ${embedding.about}`);
  let recalls: Recalls;
  try {
    recalls = await measureRecall(conversations, storage.directory, rankingsMeasured(), embedding);
  } finally {
    await embedding.close();
  }
  const rows: Row[] = [];
  const recallRows = (name: string, categories: readonly string[], label = name): void => {
    for (const category of categories) {
      const byK = KS.map((k) => recalls.get(name)?.get(k)?.get(category) ?? []);
      const n = byK[0]?.reduce((sum, cluster) => sum + cluster.length, 0) ?? 0;
      if (n === 0) continue;
      byK.forEach((clusters, index) => {
        const [low, high] = clusteredBootstrapMean(clusters, SEED);
        rows.push({ what: `LoCoMo evidence recall@${KS[index]}, ${label}, ${category} (${n} questions; 95% interval ${(100 * low).toFixed(1)}–${(100 * high).toFixed(1)}, by conversation)`, figure: { count: Math.round(1000 * pooledMean(clusters)) / 10, unit: '%' } });
      });
      context.log(`  ${label}, ${category} (n=${n}): ${byK.map((clusters, index) => `@${KS[index]} ${(100 * pooledMean(clusters)).toFixed(1)}%`).join(', ')}`);
    }
  };
  /** `to` against `from`, question by question: the mean difference in points, with a 95% interval from a bootstrap over conversations. */
  const differenceRows = (from: string, to: string, label: string): void => {
    for (const [index, k] of KS.entries()) {
      const a = recalls.get(from)?.get(k)?.get('all') ?? [];
      const b = recalls.get(to)?.get(k)?.get('all') ?? [];
      const paired = b.map((cluster, conversation) => cluster.map((value, question) => value - (a[conversation]?.[question] ?? 0)));
      if (paired.every((cluster) => cluster.length === 0)) continue;
      const [low, high] = clusteredBootstrapMean(paired, SEED + index);
      const mean = pooledMean(paired);
      rows.push({ what: `LoCoMo evidence recall@${k}, ${label} (all questions, paired; 95% interval ${(100 * low).toFixed(1)} to ${(100 * high).toFixed(1)}, by conversation)`, figure: { count: Math.round(1000 * mean) / 10, unit: 'points' } });
      context.log(`  ${label} @${k}: ${(100 * mean).toFixed(1)} points (${(100 * low).toFixed(1)} to ${(100 * high).toFixed(1)})`);
    }
  };

  // The question alone: relevance alone and Park's ranking by category, the paper's dialogue rows beside them.
  for (const weighing of WEIGHINGS) recallRows(weighing.name, CATEGORIES);
  for (const k of [5, 10, 25] as const) {
    for (const category of PAPER_CATEGORIES) {
      const figure = PAPER_DIALOG_RECALL[k][category];
      if (figure !== undefined) rows.push({ what: `LoCoMo evidence recall@${k}, the paper's (Maharana et al. 2024, Table 3: DRAGON over dialogue turns, quoted, not measured here), ${category}`, figure: { count: figure, unit: '%' } });
    }
  }
  // Each part of Park's ranking: taken out, and alone.
  for (const part of PARTS) recallRows(part.name, ['all']);
  differenceRows(BM25, PARK, 'Park ranking against relevance alone');
  for (const part of PARTS.filter((each) => each.name.startsWith('Park without'))) differenceRows(PARK, part.name, `${part.name.replace(/ \(.*$/, '')} against Park`);
  for (const part of PARTS.filter((each) => each.name.startsWith('relevance with'))) differenceRows(BM25, part.name, `${part.name.replace(/ \(.*$/, '')} against relevance alone`);
  // The question beside two long reports: one ranking for the words of all three, or a ranking each.
  for (const weighing of WEIGHINGS) {
    recallRows(`${weighing.name}${PROMPTS.together}`, ['all']);
    recallRows(`${weighing.name}${PROMPTS.each}`, ['all']);
    differenceRows(`${weighing.name}${PROMPTS.together}`, `${weighing.name}${PROMPTS.each}`, `${weighing.name.replace(/ \(.*$/, '')}, a ranking each against one for all three`);
  }
  // Relevance by the words and a vector (cosine-relevance.ts), through the embedding server named, or the stand-in.
  for (const weighing of WEIGHINGS) {
    for (const prompt of ['alone', 'each'] as const) {
      const name = `${weighing.name}${PROMPTS[prompt]}, with embeddings`;
      recallRows(name, ['all'], `${weighing.name}${PROMPTS[prompt]}, with embeddings (${embedding.label})`);
      differenceRows(`${weighing.name}${PROMPTS[prompt]}`, name, `${weighing.name.replace(/ \(.*$/, '')}${prompt === 'each' ? ', a ranking each' : ''}, with embeddings (${embedding.label}) against by the words`);
    }
  }
  return rows;
}

/**
 * The embedding model the combined relevance is measured with: the person's, when LEMMING_EMBEDDINGS_URL
 * (an OpenAI-compatible server's /v1) and LEMMING_EMBEDDINGS_MODEL name one (the key in
 * LEMMING_EMBEDDINGS_KEY); else a local stand-in (stand-in-embeddings.ts: a hashed bag of words, no model)
 * served over the same wire, so the path a run takes is measured and what a real model adds is not.
 */
async function embeddingModel(): Promise<{ model: string; embed: Embedder; label: string; about: string; close(): Promise<void> }> {
  const url = process.env.LEMMING_EMBEDDINGS_URL;
  const model = process.env.LEMMING_EMBEDDINGS_MODEL;
  const standIn = url && model ? undefined : await startStandInEmbeddings();
  const base = standIn?.url ?? (url as string);
  const name = standIn ? 'hashed-bag-of-words' : (model as string);
  const entry = { provider: 'openai-compatible', model: name, base_url: base, input_price: 0, output_price: 0, context_window: 8192 } as ModelEntry;
  const embed = gatedEmbedder(openAIEmbedder({ modelKey: 'embeddings', entry, apiKey: standIn ? 'none' : (process.env.LEMMING_EMBEDDINGS_KEY ?? 'none') }), 'embeddings', entry);
  return {
    model: name,
    embed,
    label: standIn ? 'the stand-in: a hashed bag of words, no model' : `model ${name}`,
    about: standIn ? 'none named (LEMMING_EMBEDDINGS_URL, LEMMING_EMBEDDINGS_MODEL): measured through a local stand-in, a hashed bag of words served as /v1/embeddings, which knows no meaning' : `${name} at ${base}`,
    close: async () => standIn?.close(),
  };
}
