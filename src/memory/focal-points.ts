/**
 * The most things one call retrieves for, each with its own ranking (memory-layer.ts, recallFor): a
 * prompt shows at most org.yaml `context.max_messages` messages, which has no ceiling, and each ranking
 * costs a search of the stream and, with embeddings, a vector kept for the turn.
 */
export const MAX_FOCAL_POINTS = 32;

/**
 * What a call's memories are retrieved for, one text a thing it must answer (each item of mail its
 * prompt shows, a meeting's agenda and each speech so far, a scheduled check-in's task), as the memory
 * layer ranks for them: at most MAX_FOCAL_POINTS, the texts past the last joined into it (they still
 * count, as one); none at all is one empty text (recency and importance alone rank). Pure.
 */
export function focalPoints(texts: readonly string[]): string[] {
  if (texts.length === 0) return [''];
  if (texts.length <= MAX_FOCAL_POINTS) return [...texts];
  return [...texts.slice(0, MAX_FOCAL_POINTS - 1), texts.slice(MAX_FOCAL_POINTS - 1).join('\n')];
}
