/**
 * The fallback where notifications are missing: each turn, the next `perTurn` agents in name
 * order are looked at (their resume and outbox stat'ed), going round, so every agent is looked
 * at within `turnsPerRound(agents)` turns whatever else happens.
 */
export class SpreadScan {
  private next = 0;

  constructor(private readonly perTurn: number) {}

  /** How many turns it takes to look at every one of `agents` agents. */
  turnsPerRound(agents: number): number {
    return Math.max(1, Math.ceil(agents / this.perTurn));
  }

  /** This turn's share of `names` (the whole list when it fits). */
  slice(names: readonly string[]): readonly string[] {
    if (names.length <= this.perTurn) return names;
    if (this.next >= names.length) this.next = 0;
    const end = this.next + this.perTurn;
    const share = names.slice(this.next, end);
    // Round the end of the list to its start, so each turn looks at exactly perTurn agents.
    if (end > names.length) share.push(...names.slice(0, end - names.length));
    this.next = end % names.length;
    return share;
  }
}
