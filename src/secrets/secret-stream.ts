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
  /** The bytes of `chunk` (after those of earlier chunks) that are cut and ready to write. */
  push(chunk: Buffer): Buffer;
  /** The rest, at the end of the file. */
  end(): Buffer;
  /** Whether anything was cut so far. */
  readonly cut: boolean;
}

/** Past this many characters with no place to split (a file of base64 with no line end), the rest is cut as one piece. */
const MOST_HELD = 64 * 1024 * 1024;

/** A cutter for the secrets known now, or undefined when none is known (a file is then copied as it is). */
export function secretCutter(): SecretCutter | undefined {
  if (!hasSecrets()) return undefined;
  const { longest, mayHold } = secretsReach();
  let held = '';
  let cut = false;
  const out = (text: string): Buffer => {
    const clean = cutSecrets(text);
    if (clean !== text) cut = true;
    return Buffer.from(clean, 'latin1');
  };
  return {
    push(chunk) {
      held += chunk.toString('latin1');
      // Where the held text may be split: a character no form holds, far enough from the end that a value cannot reach past it.
      let split = held.length - longest;
      while (split > 0 && mayHold(held[split - 1] as string)) split -= 1;
      if (split <= 0 && held.length < MOST_HELD) return Buffer.alloc(0);
      if (split <= 0) split = held.length;
      const ready = held.slice(0, split);
      held = held.slice(split);
      return out(ready);
    },
    end() {
      const rest = held;
      held = '';
      return out(rest);
    },
    get cut() {
      return cut;
    },
  };
}
