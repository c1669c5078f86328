import { crc32 } from 'node:zlib';
import type { RecordPart } from '../../storage/record-pieces.js';

/**
 * A checksum of the ledger's bytes the balances were counted from (its first `ledger.offset` bytes,
 * across its pieces), kept beside the offset in `engine.json` as `ledger.crc`. CRC-32 continues from
 * its last value over the bytes appended after it, so each catch-up hashes only the lines it reads,
 * however the appends were grouped, and the whole prefix is read only when someone asks
 * (`lemming validate`). It finds a line changed in place, which leaves the ledger's length as the
 * state counted it; it is not a seal against a forger, who can write `engine.json` as well.
 */

/** The checksum of no bytes: an empty ledger's. */
export const NO_BYTES_CRC = 0;

/** `crc` (of the bytes before `parts`) continued over the parts, which lie one after another. Pure. */
export function continuedCrc(crc: number, parts: readonly RecordPart[]): number {
  let value = crc;
  for (const part of parts) value = crc32(part.bytes, value);
  return value;
}

/** What `validate` says of counted lines that are not the bytes the engine counted: the balances were summed from other lines than the ledger now holds. */
export function editedInPlace(file: string, counted: number, kept: number, found: number): string {
  return (
    `its first ${counted} bytes, which every balance was counted from (ledger.offset in org/state/engine.json), are not the ` +
    `bytes the engine counted (their CRC-32 is ${found}, where ledger.crc says ${kept}): lines before that offset were changed by hand ` +
    `(a line edited, put in or removed), so the balances shown and the ledger disagree. Restore the ledger: an org that keeps its history has it as turn N left it ` +
    `(\`lemming show --at N ${file}\`).`
  );
}
