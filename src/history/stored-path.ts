/**
 * How the history names a file of the org. git keeps a folder as one tree, written again whole
 * whenever a file in it changes, and some folders fill up with a file a turn for as long as the org
 * runs: an outbox with a message each turn it sends, an activity log's pieces, the call traces, a
 * memory stream. Named as they are in the org, an entry of turn 1,000 at 200 agents would rewrite 200
 * outbox trees of a thousand names each (10 MB, hashed and deflated by git for every entry, and kept
 * whole in the store each time). So the history keeps each file whose name begins with a turn's six
 * digits (`000123-001-planner.md`, `000123.jsonl`) two folders down, one of a hundred such numbers
 * and in it one of ten, named for them: `outbox/0001xx/00012x/000123-001-planner.md`. An entry then
 * rewrites a folder of at most ten turns' files, one of at most ten such folders, and the outbox's
 * own (a folder for each hundred turns), however long the run: a turn of the thousandth costs git
 * what one of the twentieth does (with one level of a hundred, the last turns of each hundred cost
 * three times the first).
 *
 * Every reader of the history (show, fork, diff, the dashboard's past turns, an export's bundle) reads
 * a file by its place in the org (`orgPath`), and an entry written before this layout (every file
 * where the org has it) reads the same. A folder of the org's own named like such a folder
 * (`0001xx`, `00012x`) is kept with a `~` added to its name, so the two never meet. Pure.
 */

/** A name that goes into the folders of a hundred and of ten: six digits (a turn's, or a piece's number), then `-`, `.` or nothing. */
const NUMBERED = /^((\d{4})\d)\d(?:[-.]|$)/;
/** A folder of them (`0001xx`, `00012x`), or an org's own folder named so, with the `~`s that tell it apart (`0001xx~`). */
const BUCKET = /^(\d{4}xx|\d{5}x)(~*)$/;

/** The path the history keeps an org's file at (relative, with `/`). */
export function storedPath(path: string): string {
  const parts = path.split('/');
  const name = parts.pop() as string;
  const folders = parts.map((part) => (BUCKET.test(part) ? `${part}~` : part));
  const numbered = NUMBERED.exec(name);
  if (numbered) folders.push(`${numbered[2] as string}xx`, `${numbered[1] as string}x`);
  folders.push(name);
  return folders.join('/');
}

/** The org's path of a file the history keeps at `stored`: storedPath's inverse, and a path of an earlier layout as it is. */
export function orgPath(stored: string): string {
  const parts = stored.split('/');
  const name = parts.pop() as string;
  const numbered = NUMBERED.exec(name);
  // The folders storedPath made for this name: their digits are the name's own.
  if (numbered && parts.at(-1) === `${numbered[1] as string}x` && parts.at(-2) === `${numbered[2] as string}xx`) parts.splice(-2);
  const folders = parts.map((part) => (BUCKET.test(part) && part.endsWith('~') ? part.slice(0, -1) : part));
  folders.push(name);
  return folders.join('/');
}
