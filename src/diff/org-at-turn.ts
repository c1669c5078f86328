/*
 * Where `lemming diff --turns A..B` meets the org's history: the one function it needs from it.
 * The history (a room of its own, which keeps every committed turn) writes the org as it was
 * after a turn into a folder (history/materialise-turn.ts); diff reads that folder as it reads any org.
 */

/**
 * Write the org at `orgRoot` as it was after `turn` into `destination` (a folder that does not
 * exist yet), as an ordinary org folder: its files, record, ledger and proposals as they were then.
 * Rejects with a LemmingError naming the turn when the history does not hold it.
 */
export type WriteOrgAtTurn = (orgRoot: string, turn: number, destination: string) => Promise<void>;

/**
 * The history's writer of a past turn: materialiseTurn, imported when a turn is asked for, so
 * `diff` of two folders never loads the history's modules.
 */
export function orgAtTurnWriter(): WriteOrgAtTurn {
  return async (orgRoot, turn, destination) => {
    const { materialiseTurn } = await import('../history/materialise-turn.js');
    materialiseTurn(orgRoot, turn, destination);
  };
}
