import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangeFeed, Changed } from '../org/changes/change-feed.js';
import type { OrgLoader } from '../org/load-org.js';
import { INTERVENTIONS_FILE } from '../org/names.js';
import type { Org } from '../org/org.js';
import type { EngineEvent } from './events.js';
import { carryOutApprovals } from './human/finish-approval.js';
import { orgReloadEvents } from './org-reload-events.js';
import { memoryLayerFor } from './turn/prepare-call.js';

/**
 * How the engine takes up the org before a turn: hand edits (through the change feed of a big org,
 * by a look at every agent of a small one), the interventions due, and what the human approved.
 */
export class OrgUptake {
  /**
   * What changed in the agents' folders between turns (org/changes/): a turn looks only at those agents.
   * Made (and its modules loaded) at the first turn of an org bigger than a turn's look; a smaller one looks at every agent.
   */
  private feed: ChangeFeed | undefined;
  /** What the feed said for the turn about to run (everything until a turn has taken it). */
  changed: Changed = { all: true };
  /** The interventions' code, loaded at the first turn of an org with `org/interventions.yaml`. */
  interventions: typeof import('./interventions/carry-out-interventions.js') | undefined;
  /** Warnings about the org's files already told: every load finds them again until the file is edited. */
  private readonly warnedAbout = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly loader: OrgLoader,
    private readonly clock: () => Date,
    /** Told when the org's files changed: the providers made for the old org are dropped. */
    private readonly onReloaded: () => void,
  ) {}

  /** Whether every turn looks at every outbox (no feed, or one that scans each turn): hints are then kept in memory only. */
  get looksEveryTurn(): boolean {
    return this.feed === undefined || this.feed.mode === 'every-turn';
  }

  /** The message files a committed turn wrote into an agent's outbox: not taken for a hand edit (change-feed.ts). */
  wrote(owner: string, names: readonly string[]): void {
    this.feed?.wrote(owner, names);
  }

  /** An outbox written without keeping its hint: listed at the next turn. */
  markUnhinted(owner: string): void {
    this.feed?.mark(owner);
  }

  close(): void {
    this.feed?.close();
  }

  /**
   * Before a turn: pick up hand edits, carry out the interventions due (interventions/), then carry
   * out what the human approved while this engine held the lock (a hire's resume and chart entries, a retirement) against that org,
   * and reload again, so the change is in force from this turn. A turn left unfinished by a
   * crash is finished first, with its planned org; the approvals wait for the turn after it.
   */
  async take(org: Org, lastTurn: number, unfinished: boolean): Promise<{ org: Org; events: EngineEvent[] }> {
    // Notifications already queued by the system are handled first: an edit saved before the turn is in its changes.
    const names = agentNames(org);
    const { scan_per_turn: scanPerTurn, watch } = org.settings.changes;
    if (!this.feed && names.length > scanPerTurn) {
      const { ChangeFeed } = await import('../org/changes/change-feed.js');
      this.feed = new ChangeFeed(this.root, { scanPerTurn, watch });
    }
    if (this.feed?.mode === 'watching') await new Promise((resolve) => setImmediate(resolve));
    this.changed = this.feed ? this.feed.take(names) : { all: true };
    const first = this.reload(lastTurn, this.changed.all ? undefined : this.changed.agents);
    // Before anything asks whether the turn has work: an agent's next call is estimated with its memories.
    await memoryLayerFor(first.org);
    if (unfinished) return first;
    // Interventions first: a retirement is an approval, carried out with the others just after.
    // Their code is loaded only for an org that has them (the run loop asks hasWork after this).
    if (!this.interventions && existsSync(join(this.root, INTERVENTIONS_FILE))) this.interventions = await import('./interventions/carry-out-interventions.js');
    const intervened = this.interventions?.carryOutInterventions(first.org, lastTurn + 1, this.clock()) ?? [];
    const carried = await carryOutApprovals(first.org, lastTurn + 1, this.clock());
    const changed = intervened.some((event) => event.type === 'intervention') || carried.length > 0;
    if (!changed) return { org: first.org, events: [...first.events, ...intervened] };
    // An approval or an intervention writes resumes, the chart, outboxes: everything is looked at again.
    this.changed = { all: true };
    const again = this.reload(lastTurn);
    return { org: again.org, events: [...first.events, ...intervened, ...carried, ...again.events] };
  }

  /**
   * Pick up hand edits: they take effect from the next turn; a broken edit leaves the last valid org in force.
   * The first turn reloads too (a stat per file when nothing changed): a screen can sit paused, or a chat idle,
   * between opening the engine and its first turn while a person edits.
   */
  private reload(lastTurn: number, changed?: ReadonlySet<string>): { org: Org; events: EngineEvent[] } {
    const loaded = this.loader.load(changed);
    const events = orgReloadEvents(loaded, lastTurn + 1, this.warnedAbout);
    if (events.some((event) => event.type === 'org-reloaded')) this.onReloaded();
    return { org: loaded.org, events };
  }
}

/** The org's agent names, in its order, made once per org object (an org whose files did not change is the same object). */
const namesOfOrg = new WeakMap<Org, readonly string[]>();

function agentNames(org: Org): readonly string[] {
  let names = namesOfOrg.get(org);
  if (!names) {
    names = [...org.agents.keys()];
    namesOfOrg.set(org, names);
  }
  return names;
}
