import { cutSecrets, hasSecrets, secretsReach } from './secrets.js';

/**
 * Cut the org's secrets from a file's bytes a piece at a time, so a file of any size leaves the
 * process (an export, a backup) without its secret values and without being held whole in memory.
 * A piece is cut as text where it may be split: at a character no secret's form can hold (a line's
 * end, a NUL, a space in most), at least `longest` characters from the end of what was read, so no
 * value is split between two pieces. Bytes are read as latin1, one character each, so what is not a
 * secret goes out byte for byte, whatever the file's encoding (a secret's forms are ASCII in every
 * key lemming has met; a value with other characters is cut where the file is read whole).
 */
export interface SecretCutter {
  /**
   * The bytes of `chunk` (after those of earlier chunks) that are cut and ready to write, in order.
   * Where nothing is cut they are views of `chunk` itself, not copies: write them before `chunk` is
   * read into again.
   */
  push(chunk: Buffer): Buffer[];
  /** The rest, at the end of the file. */
  end(): Buffer[];
  /** Whether anything was cut so far. */
  readonly cut: boolean;
}

/**
 * Past this many characters with no place to split (a file of base64 with no line end), what is held is
 * cut as one piece, but for its last `longest - 1` characters, held on to see the next (a value crossing
 * the cut starts among them).
 */
const MOST_HELD = 64 * 1024 * 1024;

const NOTHING: Buffer[] = [];

/**
 * A cutter for the secrets known now, or undefined when none is known (a file is then copied as it is).
 * The bytes are looked at as bytes: only a piece in which a secret's form may stand (SecretSet.mayCut)
 * becomes a string to cut. Every other piece goes out as the views of what was read, and what the
 * cutter holds between pieces is a copy of the tail it must see again (`longest` bytes, mostly), so a
 * file's copy makes no garbage that grows with the file: a string, its copy and a buffer for each MiB
 * of a 300 MiB file of zeros had its export peak at 160-190 MB, before the collector let them go.
 */
export function secretCutter(mostHeld = MOST_HELD): SecretCutter | undefined {
  if (!hasSecrets()) return undefined;
  const { longest, mayHold, mayCut } = secretsReach();
  // A byte is the latin1 character of its value: whether a form may hold it, by the byte.
  const holds = new Uint8Array(256);
  for (let byte = 0; byte < 256; byte += 1) holds[byte] = mayHold(String.fromCharCode(byte)) ? 1 : 0;
  // What is held between pieces: copies, in order, made one buffer only when they go out (a file with no place to split,
  // base64 with no line end, is held up to MOST_HELD: made one each piece, its copies grew with the square of its length).
  let parts: Buffer[] = [];
  let heldLength = 0;
  // No place to split stands below this, in what is held: each piece's look for one starts where the last one's ended.
  let noBreakBelow = 0;
  let cut = false;
  /** `text` with the secrets cut, saying so in `cut`. */
  const cutText = (text: string): string => {
    const clean = cutSecrets(text);
    if (clean !== text) cut = true;
    return clean;
  };
  /** `before` then `after` as they go out: cut as one text where a form may stand in them, as they are where none can. */
  const out = (before: Buffer, after: Buffer): Buffer[] => {
    // A form spanning the two lies within `longest` bytes of their join.
    const join = Buffer.concat([before.subarray(Math.max(0, before.length - longest)), after.subarray(0, longest)]);
    if (!mayCut(before) && !mayCut(after) && !mayCut(join)) return [before, after].filter((bytes) => bytes.length > 0);
    return [Buffer.from(cutText(before.toString('latin1') + after.toString('latin1')), 'latin1')];
  };
  /** What is held, as one buffer. */
  const heldBytes = (): Buffer => (parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, heldLength));
  /** Hold `bytes` (a copy, or a buffer of the cutter's own) and nothing else, with no place to split looked at yet. */
  const holdOnly = (bytes: Buffer): void => {
    parts = bytes.length > 0 ? [bytes] : [];
    heldLength = bytes.length;
    noBreakBelow = 0;
  };
  /**
   * All of `bytes` cut as one text, with no place to split in them: what goes out is the cut text but for
   * the last characters no cut touched, at most `longest - 1`, held to be cut again with what comes next.
   * A value that crosses the end starts among them (one that started sooner would be longer than any
   * form); one that overlaps a cut is cut no differently than in the whole text, where the cut comes first.
   */
  const cutHeld = (bytes: Buffer): Buffer[] => {
    if (!mayCut(bytes)) {
      // Nothing to cut in them: they go out as they are (the cutter's own buffer), but for the last.
      const kept = Math.min(longest - 1, bytes.length);
      holdOnly(Buffer.from(bytes.subarray(bytes.length - kept)));
      return [bytes.subarray(0, bytes.length - kept)];
    }
    const text = bytes.toString('latin1');
    const clean = cutText(text);
    let kept = 0;
    while (kept < longest - 1 && kept < text.length && kept < clean.length && clean.charCodeAt(clean.length - 1 - kept) === text.charCodeAt(text.length - 1 - kept)) kept += 1;
    holdOnly(Buffer.from(bytes.subarray(bytes.length - kept)));
    return [Buffer.from(clean.slice(0, clean.length - kept), 'latin1')];
  };
  /**
   * Where what is held and `chunk` may be split: after a byte no form holds, far enough from the end that a
   * value cannot reach past it, at most `total - longest`; 0 where there is none above noBreakBelow.
   */
  const lastBreak = (chunk: Buffer, total: number): number => {
    let split = total - longest;
    let end = total;
    for (let index = parts.length; index >= 0 && split > noBreakBelow; index -= 1) {
      const source = index === parts.length ? chunk : (parts[index] as Buffer);
      const start = end - source.length;
      for (; split > noBreakBelow && split - 1 >= start; split -= 1) if (holds[source[split - 1 - start] as number] === 0) return split;
      end = start;
    }
    return 0;
  };
  return {
    push(chunk) {
      const total = heldLength + chunk.length;
      const split = lastBreak(chunk, total);
      if (split <= 0 && total < mostHeld) {
        // A copy: the caller reads its next piece into `chunk`.
        parts.push(Buffer.from(chunk));
        heldLength = total;
        noBreakBelow = Math.max(0, total - longest);
        return NOTHING;
      }
      if (split <= 0) {
        const all = Buffer.concat([...parts, chunk], total);
        // What was held is in `all` now: its pieces are let go before the text is made.
        holdOnly(Buffer.alloc(0));
        return cutHeld(all);
      }
      const held = heldBytes();
      if (split <= held.length) {
        holdOnly(Buffer.concat([held.subarray(split), chunk]));
        return out(held.subarray(0, split), Buffer.alloc(0));
      }
      holdOnly(Buffer.from(chunk.subarray(split - held.length)));
      return out(held, chunk.subarray(0, split - held.length));
    },
    end() {
      const rest = heldBytes();
      holdOnly(Buffer.alloc(0));
      return out(rest, Buffer.alloc(0));
    },
    get cut() {
      return cut;
    },
  };
}
