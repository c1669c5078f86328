/** A line of the Run page's live feed, and the turn it stands with. */
export interface FeedLine {
  text: string;
  kind: string;
  /** Its own turn (a message's, a turn's end, an engine event's), or for a line of no turn the turn of the line it came after. */
  turn: number;
}

/**
 * Put a line into the feed in turn order, and in the order the lines came within a turn. The event
 * stream gives the messages of a run in another process in the order the dashboard's look finds the
 * files, which is not always their turns' (a message of turn 8 after those of turns 9 and 10): such a
 * line goes after every line of its turn and the turns before, and before the lines of later turns.
 * A line of no turn of its own (a queue notice, "idle") goes at the end and stands with the line
 * before it.
 */
export function placeLine(feed: FeedLine[], line: { text: string; kind: string; turn?: number }): void {
  const turn = line.turn ?? feed.at(-1)?.turn ?? 0;
  let at = feed.length;
  while (at > 0 && (feed[at - 1]?.turn ?? 0) > turn) at -= 1;
  feed.splice(at, 0, { text: line.text, kind: line.kind, turn });
}
