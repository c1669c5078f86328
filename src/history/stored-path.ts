/**
 * How the history names a file of the org. git keeps a folder as one tree, written again whole
 * whenever a file in it changes, and some folders fill up with a file a turn for as long as the org
 * runs: an outbox with a message each turn it sends, an activity log's pieces, the call traces, a
 * memory stream. Named as they are in the org, an entry of turn 1,000 at 200 agents would rewrite 200
 * outbox trees of a thousand names each (10 MB, hashed and deflated by git for every entry, and kept
 * whole in the store each time). So the history keeps each file whose name begins with a turn's six
 * digits (`000123-001-planner.md`, `000123.jsonl`) under one folder at its root, `~n`, in a folder of
 * a hundred such numbers and in it one of ten, named for them, then at its place in the org:
 * `~n/0001xx/00012x/agents/a/outbox/000123-001-planner.md`; from 001000 on, under a folder of its
 * thousand as well: `~n/001xxx/0010xx/00101x/agents/a/outbox/001012-001-planner.md`. An entry then
 * rewrites the trees of its turn's hundred and ten once for the whole org, and each agent's tree of
 * that ten turns' messages (at most ten names a sender). Kept in such folders beside them, in each
 * outbox (the layout before), an entry rewrote every outbox's trees of its hundreds and its tens, and
 * those fill as a run ages (one name a hundred turns, one a ten): at 200 busy agents the trees an
 * entry wrote held some 3,000 names more at turn 990 than at turn 30, and git's CPU an entry grew with
 * them (a replay of 1,000 entries: 34 to 47.5 ms; under the folder of numbers 29.5 to 35 ms).
 *
 * Every reader of the history (show, fork, diff, the dashboard's past turns, an export's bundle) reads
 * a file by its place in the org (`orgPath`), and entries of the earlier layouts read the same: every
 * file where the org has it (the first), two folders down for every number beside it (before the
 * folder of a thousand), and with the folder of a thousand beside it too (before the folder of
 * numbers). A folder of the org's own named like such a folder (`001xxx`, `0001xx`, `00012x`) is kept
 * with a `~` added to its name, and so is anything at the org's root named `~n` (`~n~`), so the two
 * never meet. Only an earlier entry's own folder named so meets them (its layout escaped fewer
 * names): `outbox/0001xx/00012x/000123-x.md` of the first layout, or `outbox/001xxx/001012-x.md` or a
 * folder `001xxx~` of the second, reads as the layout beside would have kept it.
 *
 * A record kept in pieces (storage/record-pieces.ts: the ledger, `taken.jsonl`) gains a piece, named
 * for the offset it starts at in twelve digits or more (`000000065536.jsonl`), every two turns at 200
 * busy agents, for as long as the org runs: 5,000 names in one folder by turn 10,000, and that tree
 * written again whole by each entry that adds one (+3.5 ms of git's an entry, and growing). So the
 * history keeps such a name in a folder of each two more of its leading digits, down to one of a
 * hundred offsets: `ledger/00xxxxxxxxxx/0000xxxxxxxx/000000xxxxxx/00000006xxxx/0000000655xx/
 * 000000065536.jsonl` (a name of thirteen digits, past a terabyte, from a folder of its first digit:
 * `1xxxxxxxxxxxx/123xxxxxxxxxx/…`). However small the pieces (a byte each, in a test) and however
 * large the record, no folder then holds more than a hundred names (the record's own a hundred of
 * each length of name), and an entry that adds a piece writes five small trees. The rule is the
 * name's, wherever it lies, as for a turn's six digits: a person's file named so goes into the same
 * folders, and comes back from them the same. Every earlier layout kept a piece where the org has it.
 * A folder of the org's own named like one of these (`00xxxxxxxxxx`: digits then at least two `x`,
 * twelve characters or more) is kept with a `~` more, as are those named like the folders of numbers;
 * only an entry of an earlier layout holding such a folder, or the whole chain of a piece's folders
 * of its own, meets them.
 *
 * A record's own file (the ledger's, `taken.jsonl`, an activity log's current one) grows by a few lines a
 * turn and is moved whole to a piece when full; stored whole each entry, the 200 activity logs of 200 busy
 * agents were 77% of an entry's bytes for the some 600 a turn appends to each. So the history may keep such a
 * file as a folder of parts (known-files.ts decides which, and proves each append): the file's stored name
 * with `~parts` added, holding one blob a part named by the offset it starts at in twelve digits or more
 * (`org/state/ledger.jsonl~parts/000000061440`); the file is its parts joined in the order of their offsets
 * (storedParts). A piece moved whole from such a file keeps its parts (a folder of its own name). A name
 * of the org's own that ends so (`ledger.jsonl~parts`, as a file or a folder) is kept with a `~` more, so
 * the two never meet; only an entry of an earlier layout holding such a name meets them. Pure.
 */

/** A name that goes into the folders of a thousand, a hundred and ten: six digits (a turn's, or a piece's number), then `-`, `.` or nothing. */
const NUMBERED = /^(((\d{3})\d)\d)\d(?:[-.]|$)/;
/** A folder of them (`001xxx`, `0001xx`, `00012x`), or an org's own folder named so, with the `~`s that tell it apart (`0001xx~`). */
const BUCKET = /^(\d{3}xxx|\d{4}xx|\d{5}x)~*$/;
/** A record's piece (storage/record-pieces.ts): an offset of twelve digits or more, then `.jsonl`. */
const PIECE = /^(\d{12,})\.jsonl$/;
/** A folder of a piece's (`0000000655xx`, `1xxxxxxxxxxxx`), or an org's own folder named so, with its `~`s: digits, two `x` or more, twelve characters or more. */
const PIECE_BUCKET = /^(?=[\dx]{12})\d+x{2,}~*$/;
/** The folders the layout before the folder of a thousand made, and escaped: a hundred's and ten's. */
const HUNDREDS_BUCKET = /^(\d{4}xx|\d{5}x)~*$/;

/** The folder at the history's root that keeps every numbered name, in the folders of its number and then at its place in the org. */
const NUMBERS = '~n';
/** The org's own file or folder at its root named like it, with the `~`s that tell it apart (`~n~`). */
const NUMBERS_NAMED = /^~n~*$/;

/** What a parts folder's name adds to the file's (stored-path.ts's header). */
const PARTS = '~parts';
/** A name a parts folder may have (a record's own file's, a piece's), or an org's own name so made, with the `~`s that tell it apart. */
const PARTS_NAMED = /^(?:ledger|taken|activity|\d{6,})\.jsonl~parts~*$/;
/** A part's name in its folder: the offset it starts at, twelve digits or more. */
const PART = /^\d{12,}$/;

/** Whether the history may keep the file at `path` as parts: its name is one a parts folder is made for (PARTS_NAMED). Pure. */
export function mayBeParts(path: string): boolean {
  return PARTS_NAMED.test(`${path.slice(path.lastIndexOf('/') + 1)}${PARTS}`);
}

/** The folder the history keeps the file at `path` in as parts (stored-path.ts's header): its stored path with `~parts` added. */
export function partsFolder(path: string): string {
  return `${storedPath(path)}${PARTS}`;
}

/** A part's path in `folder` (partsFolder), for the part that starts at byte `offset` of the file. */
export function partPath(folder: string, offset: number): string {
  return `${folder}/${String(offset).padStart(12, '0')}`;
}

/** The parts folder and offset of a stored path that is a part (partPath), or undefined for any other (a file's own, an org's name escaped). */
export function partOf(stored: string): { folder: string; offset: number } | undefined {
  const slash = stored.lastIndexOf('/');
  if (slash < 0 || !PART.test(stored.slice(slash + 1))) return undefined;
  const folder = stored.slice(0, slash);
  if (!folder.endsWith(PARTS) || !PARTS_NAMED.test(folder.slice(folder.lastIndexOf('/') + 1))) return undefined;
  return { folder, offset: Number(stored.slice(slash + 1)) };
}

/**
 * The one rule for reading a file kept as parts: the stored paths of an entry's blobs grouped by the org's
 * path of the file they make, each file's in the order of their offsets (a file kept whole: its one path,
 * at offset 0). A reader joins each group's bytes in that order, each part starting where the bytes before
 * it end (`offset`: checked by the reader, which has the bytes). Pure.
 */
export function storedParts(stored: Iterable<string>): Map<string, Array<{ stored: string; offset: number }>> {
  const files = new Map<string, Array<{ stored: string; offset: number }>>();
  for (const path of stored) {
    const part = partOf(path);
    const inOrg = orgPath(path);
    const list = files.get(inOrg);
    const entry = { stored: path, offset: part?.offset ?? 0 };
    if (list) list.push(entry);
    else files.set(inOrg, [entry]);
  }
  for (const list of files.values()) if (list.length > 1) list.sort((left, right) => left.offset - right.offset);
  return files;
}

/** The path the history keeps an org's file at (relative, with `/`). */
export function storedPath(path: string): string {
  const slash = path.lastIndexOf('/');
  // The usual file (an entry names some 400 after a turn of 200 busy agents): no folder on its way named like one
  // of the layout's, so none is escaped, and no piece's name. Placed as below, with none of its arrays made.
  if (plainFolders(path, slash) && !path.includes(PARTS)) {
    const numbered = NUMBERED.exec(path.slice(slash + 1));
    if (numbered) {
      const [, tens, hundreds, thousand] = numbered as unknown as [string, string, string, string];
      return `${NUMBERS}/${thousand === '000' ? '' : `${thousand}xxx/`}${hundreds}xx/${tens}x/${path}`;
    }
    if (!PIECE.test(path.slice(slash + 1))) return path;
  }
  return layoutStoredPath(path);
}

/** Whether no folder of `path` (those before `slash`, its last) could be named like the layout's: none begins with a digit, and the first not with `~`. Pure. */
function plainFolders(path: string, slash: number): boolean {
  if (path.charCodeAt(0) === TILDE) return false;
  for (let start = 0; start < slash; start = path.indexOf('/', start) + 1) {
    const first = path.charCodeAt(start);
    if (first >= DIGIT_0 && first <= DIGIT_9) return false;
  }
  return true;
}

const TILDE = 126;

/** storedPath by the layout's whole rule. */
function layoutStoredPath(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const slash = path.indexOf('/');
  const first = slash < 0 ? path : path.slice(0, slash);
  // The org's own `~n` at its root: kept apart from the folder of numbers.
  const own = NUMBERS_NAMED.test(first) ? `${first}~${path.slice(first.length)}` : path;
  const numbers = numberFolders(name, true);
  const placed = layoutPath(own, isBucket, numbers.length > 0 ? 'none' : 'beside', true);
  return numbers.length > 0 ? [NUMBERS, ...numbers, placed].join('/') : placed;
}

/**
 * Where an entry may hold an org's file: where storedPath puts it, then where each earlier layout
 * kept it (a number's folders beside it; a piece where the org has it; two folders down for every
 * number; where the org has it), each once.
 */
export function storedPaths(path: string): string[] {
  return [...new Set([storedPath(path), besidePath(path), thousandsPath(path), hundredsPath(path), path])];
}

/** Where the layout before the folder of numbers kept an org's file: a number's folders beside it (from 001000 its thousand's too), a piece's in its offset's. */
export function besidePath(path: string): string {
  return layoutPath(path, isBucket, 'beside', true);
}

/** Where the layout before the folders of a record's pieces kept an org's file: a piece where the org has it. */
export function thousandsPath(path: string): string {
  return layoutPath(path, (part) => BUCKET.test(part), 'beside', false);
}

/** Where the layout before the folder of a thousand kept an org's file: two folders down for every number. */
export function hundredsPath(path: string): string {
  return layoutPath(path, (part) => HUNDREDS_BUCKET.test(part), 'hundreds', false);
}

/**
 * A folder named like one storedPath makes (or so named and escaped): of numbers, or of a piece's. Each
 * begins with a digit: any other name (an agent's, `outbox`, `logs`) is told at its first character,
 * with no expression run (the history names some 400 files after each turn of 200 busy agents).
 */
function isBucket(part: string): boolean {
  const first = part.charCodeAt(0);
  if (!(first >= DIGIT_0 && first <= DIGIT_9)) return false;
  return BUCKET.test(part) || PIECE_BUCKET.test(part);
}

const DIGIT_0 = 48;
const DIGIT_9 = 57;

/**
 * A path in a layout: the org's folders named like the layout's own (`bucket`) with a `~` more, a numbered
 * name in the folders of its number beside it (`beside`: from 001000 in its thousand's too; `hundreds`: a
 * hundred's and ten's only; `none`: not beside it), a piece's in its offset's (with `pieces`).
 */
function layoutPath(path: string, bucket: (part: string) => boolean, numbers: 'beside' | 'hundreds' | 'none', pieces: boolean): string {
  const parts = path.split('/');
  const name = parts.pop() as string;
  const folders = parts.map((part) => (bucket(part) || PARTS_NAMED.test(part) ? `${part}~` : part));
  folders.push(...(pieces ? pieceFolders(name) : []), ...(numbers === 'none' ? [] : numberFolders(name, numbers === 'beside')));
  folders.push(PARTS_NAMED.test(name) ? `${name}~` : name);
  return folders.join('/');
}

/**
 * The folders a piece's name goes into: none unless it is one; from the record's folder, its offset's
 * first two digits (the first, for an odd count), then two more a folder, to all but the last two.
 */
function pieceFolders(name: string): string[] {
  const digits = PIECE.exec(name)?.[1];
  if (digits === undefined) return [];
  const folders: string[] = [];
  for (let kept = 2 - (digits.length % 2); kept <= digits.length - 2; kept += 2) folders.push(digits.slice(0, kept).padEnd(digits.length, 'x'));
  return folders;
}

/** The folders a name goes into: none unless it is numbered; a thousand's (with `thousands`, from 001000), a hundred's, ten's. */
function numberFolders(name: string, thousands: boolean): string[] {
  const numbered = NUMBERED.exec(name);
  if (!numbered) return [];
  const [, tens, hundreds, thousand] = numbered as unknown as [string, string, string, string];
  return [...(thousands && thousand !== '000' ? [`${thousand}xxx`] : []), `${hundreds}xx`, `${tens}x`];
}

/** The org's path of a file the history keeps at `stored`: storedPath's inverse, and a path of an earlier layout read as that layout wrote it. */
export function orgPath(stored: string): string {
  // A part: the file is the one its folder is named for.
  const part = partOf(stored);
  if (part) return orgPath(part.folder.slice(0, -PARTS.length));
  const parts = stored.split('/');
  const escaped = parts.pop() as string;
  const name = PARTS_NAMED.test(escaped) && escaped.endsWith('~') ? escaped.slice(0, -1) : escaped;
  // Under the folder of numbers, in the folders of this name's number: the rest is where the org has it.
  const numbers = numberFolders(name, true);
  const hoisted = numbers.length > 0 && parts[0] === NUMBERS && numbers.every((folder, index) => parts[index + 1] === folder);
  if (hoisted) parts.splice(0, numbers.length + 1);
  else {
    // The folders an earlier layout made beside this name (their digits are the name's own): a piece's, a number's, or the two the layout before the thousands made.
    for (const made of [pieceFolders(name), numbers, numberFolders(name, false)]) {
      if (made.length > 0 && made.every((folder, index) => parts[parts.length - made.length + index] === folder)) {
        parts.splice(-made.length);
        break;
      }
    }
  }
  const folders = parts.map((part) => ((isBucket(part) || PARTS_NAMED.test(part)) && part.endsWith('~') ? part.slice(0, -1) : part));
  folders.push(name);
  if (NUMBERS_NAMED.test(folders[0] as string) && folders[0] !== NUMBERS) folders[0] = (folders[0] as string).slice(0, -1);
  return folders.join('/');
}
