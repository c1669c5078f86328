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

/** Past this many characters with no place to split (a file of base64 with no line end), the rest is cut as one piece. */
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
export function secretCutter(): SecretCutter | undefined {
  if (!hasSecrets()) return undefined;
  const { longest, mayHold, mayCut } = secretsReach();
  // A byte is the latin1 character of its value: whether a form may hold it, by the byte.
  const holds = new Uint8Array(256);
  for (let byte = 0; byte < 256; byte += 1) holds[byte] = mayHold(String.fromCharCode(byte)) ? 1 : 0;
  let held: Buffer = Buffer.alloc(0);
  let cut = false;
  /** `before` then `after` as they go out: cut as one text where a form may stand in them, as they are where none can. */
  const out = (before: Buffer, after: Buffer): Buffer[] => {
    // A form spanning the two lies within `longest` bytes of their join.
    const join = Buffer.concat([before.subarray(Math.max(0, before.length - longest)), after.subarray(0, longest)]);
    if (!mayCut(before) && !mayCut(after) && !mayCut(join)) return [before, after].filter((bytes) => bytes.length > 0);
    const text = before.toString('latin1') + after.toString('latin1');
    const clean = cutSecrets(text);
    if (clean !== text) cut = true;
    return [Buffer.from(clean, 'latin1')];
  };
  return {
    push(chunk) {
      const total = held.length + chunk.length;
      const at = (index: number): number => (index < held.length ? (held[index] as number) : (chunk[index - held.length] as number));
      // Where the held bytes and the chunk may be split: a byte no form holds, far enough from the end that a value cannot reach past it.
      let split = total - longest;
      while (split > 0 && holds[at(split - 1)] === 1) split -= 1;
      if (split <= 0 && total < MOST_HELD) {
        held = Buffer.concat([held, chunk]);
        return NOTHING;
      }
      if (split <= 0) split = total;
      if (split <= held.length) {
        const ready = held.subarray(0, split);
        held = Buffer.concat([held.subarray(split), chunk]);
        return out(ready, Buffer.alloc(0));
      }
      const before = held;
      // A copy: the caller reads its next piece into `chunk`.
      held = Buffer.from(chunk.subarray(split - before.length));
      return out(before, chunk.subarray(0, split - before.length));
    },
    end() {
      const rest = held;
      held = Buffer.alloc(0);
      return out(rest, Buffer.alloc(0));
    },
    get cut() {
      return cut;
    },
  };
}
