import { errorMessage } from '../../errors.js';
import type { Org } from '../../org/org.js';
import type { ModelEntry } from '../../org/schema.js';
import type { AnsweredUsage, ProviderResponse } from '../../providers/provider.js';
import { chargedAnswers, chargedTogether } from '../../providers/usage.js';
import { throwIfStorageFailure } from '../../storage/storage-error.js';
import { UnusableEmbedding, type Embedder } from '../../providers/embedding-gate.js';
import type { EmbeddedRecall } from '../../memory/embed-memories.js';
import type { EngineEvent } from '../events.js';
import type { PlannedEmbedding } from '../record/journal.js';
import type { MemoryLayer } from './prepare-call.js';

/** What embedding one agent's retrieval while its turn is planned gave: the vectors to rank with, what the plan records, and what the turn is told (why the words alone rank). */
export interface PlanEmbedding {
  recall?: EmbeddedRecall;
  record?: PlannedEmbedding;
  warnings?: EngineEvent[];
}

/**
 * Where an agent's org names an embedding model (org.yaml `memory.embeddings`), embed what its
 * retrieval this turn needs while the turn is planned: a query for each of `texts` (what its prompt
 * asks it to answer: prepare-call.ts, recallTexts) and its memories that have no vector yet, in one
 * request (memory/embed-memories.ts), the vectors kept beside
 * its stream so a recovered turn ranks alike and asks no server. A failed call is a warning of the
 * turn and its memories are ranked by their words alone; it never fails the turn. Vectors the memory
 * layer refused (memory/vector-rule.ts) are said in the turn they were refused: a refused memory is not
 * asked again, so it is said once. The run's `signal` stops a request under way (a Ctrl-C does not
 * wait for the entry's `timeout_ms`); the plan then ranks by words, and says the run was stopped.
 */
export async function embedForPlan(
  root: string,
  org: Org,
  agentName: string,
  turn: number,
  texts: readonly string[],
  memory: MemoryLayer,
  embedderFor: ((modelKey: string) => Embedder | undefined) | undefined,
  signal?: AbortSignal,
): Promise<PlanEmbedding> {
  const settings = org.agents.get(agentName)?.memory?.embeddings;
  if (!settings) return {};
  const byWords = (why: string): EngineEvent => ({ type: 'warning', turn, message: `${agentName}'s memories are ranked by their words alone this turn: ${why}` });
  try {
    const embedder = embedderFor?.(settings.modelKey);
    if (!embedder) return { warnings: [byWords(`org.yaml memory.embeddings names ${settings.modelKey}, and this run has no way to reach it`)] };
    const embed: Embedder = (asked) => embedder(asked, signal);
    const recall = await memory.embedRecall(root, agentName, turn, texts, settings.model, embed);
    const record: PlannedEmbedding = {
      model: settings.modelKey,
      input_tokens: recall.inputTokens,
      memories: recall.embedded,
      ...(recall.estimated ? { estimated: true as const } : {}),
      ...(recall.clamped ? { clamped: recall.clamped } : {}),
    };
    const warnings: EngineEvent[] = [];
    const remade = recall.remade;
    if (remade) {
      const count = remade.memories === 1 ? '1 memory was' : `${remade.memories} memories were`;
      // A change of model is not a failure, but it is paid for: the stream is sent again, once.
      warnings.push({
        type: 'warning',
        turn,
        file: `agents/${agentName}/memory/vectors/`,
        message: `${agentName}: ${count} embedded again by the embedding model ${settings.modelKey} (${settings.model}), charged with this turn: ${remade.memories === 1 ? 'its' : 'their'} kept vectors were made by ${remade.models.join(', ')}, and the vectors of two models are never ranked together`,
      });
    }
    const damaged = recall.damaged;
    if (damaged) {
      // Said once a command (memory-vectors.ts, damagedUnsaid); the charge is the server's count of what was sent, as for a memory with no file.
      warnings.push({
        type: 'warning',
        turn,
        file: damaged.file,
        message: `${agentName}: ${damaged.said}; ${damaged.files === 1 ? 'its memory was' : 'their memories were'} embedded again by the embedding model ${settings.modelKey} (${settings.model}), charged with this turn, and written anew`,
      });
    }
    const refused = recall.refused;
    const folder = `agents/${agentName}/memory/vectors/`;
    // Refused for their length alone, turn after turn: the way out when the server now serves vectors of another size under the same name.
    const resized = refused?.otherLength ? `. If ${settings.model} now gives ${refused.otherLength.given} numbers a vector (another model, or another size, under that name), remove the files of ${folder} to embed the stream again at that length` : '';
    if (refused?.query !== undefined && recall.queries.length === 1) warnings.push(byWords(`the embedding model ${settings.modelKey}'s vector for the query was refused (${refused.query})${resized}`));
    else if (refused?.query !== undefined) {
      // Each thing its prompt asks it to answer has its own ranking (memory-layer.ts, recallFor): those refused rank by their words.
      const count = `${refused.queries} of the ${recall.queries.length} things its prompt asks it to answer`;
      warnings.push({ type: 'warning', turn, message: `${agentName}'s memories are ranked by their words alone this turn for ${count}: the embedding model ${settings.modelKey}'s vectors for them were refused (${refused.query})${resized}` });
    }
    if (refused && refused.memories > 0) {
      const count = refused.memories === 1 ? 'vector for 1 memory was' : `vectors for ${refused.memories} memories were`;
      warnings.push({
        type: 'warning',
        turn,
        file: folder,
        message: `${agentName}: the embedding model ${settings.modelKey}'s ${count} refused (${refused.problem ?? 'not a vector'}), so ${refused.memories === 1 ? 'it is' : 'they are'} ranked by ${refused.memories === 1 ? 'its' : 'their'} words and not sent again while the text stays the same; each file in ${folder} says why. Once the server is mended, remove those files (or name another model) to embed them again${refused.query === undefined ? resized : ''}`,
      });
    }
    return { recall, record, warnings };
  } catch (error) {
    // A full disk is the run's, not the turn's: it stops the run as any other write would.
    throwIfStorageFailure(error);
    if (signal?.aborted) return { warnings: [byWords(`the run was stopped while the embedding model ${settings.modelKey} was asked`)] };
    const warnings = [byWords(`the embedding model ${settings.modelKey} failed (${errorMessage(error)})`)];
    // An answer that came back with vectors it cannot use was counted by its server: charged with the call, as any embedding (providers/embedding-gate.ts).
    const counted = error instanceof UnusableEmbedding ? error.admitted : undefined;
    if (!counted || counted.inputTokens === 0) return { warnings };
    const record: PlannedEmbedding = { model: settings.modelKey, input_tokens: counted.inputTokens, memories: 0, ...(counted.estimated ? { estimated: true as const } : {}), ...(counted.clamped ? { clamped: counted.clamped } : {}) };
    return { record, warnings };
  }
}

/** What a turn's retrieval's embeddings are charged as: one answer of the embedding model, input tokens only; none when nothing was embedded. Pure. */
export function embeddingAnswers(embedded: PlannedEmbedding | undefined): AnsweredUsage[] {
  if (!embedded || embedded.input_tokens === 0) return [];
  // The gate's sentences ride with the usage: the human is told what was not counted as it came (notices.ts, usageNotices).
  return [{ modelKey: embedded.model, usage: { inputTokens: embedded.input_tokens, outputTokens: 0, estimated: embedded.estimated === true, ...(embedded.clamped ? { clamped: embedded.clamped } : {}) } }];
}

/**
 * The turn's response charged for its retrieval's embeddings too, at the embedding model's input price
 * (money/charge.ts prices each model's share). A call that fails is charged them with its unusable
 * answers (call-agent.ts), through the same charge: the server counted them either way.
 */
export function withEmbeddingCharged(response: ProviderResponse, embedded: PlannedEmbedding | undefined): ProviderResponse {
  const answers = embeddingAnswers(embedded);
  return answers.length === 0 ? response : chargedTogether(response, [...chargedAnswers(response), ...answers]);
}

/** A turn's embedders, one a registry key (its client made once), from the provider factory's; none for a key the org does not have. */
export function embedderFor(make: (modelKey: string, entry: ModelEntry) => Embedder | undefined, org: Org): (modelKey: string) => Embedder | undefined {
  const made = new Map<string, Embedder | undefined>();
  return (modelKey) => {
    const entry = Object.hasOwn(org.models, modelKey) ? org.models[modelKey] : undefined;
    if (!entry) return undefined;
    if (!made.has(modelKey)) made.set(modelKey, make(modelKey, entry));
    return made.get(modelKey);
  };
}
