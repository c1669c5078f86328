import { OrgLoader } from '../org/load-org.js';
import type { Org } from '../org/org.js';
import { EventHub } from './event-hub.js';
import { OrgWatch } from './watch/org-watch.js';
import { ActivityCounter } from './views/activity-counts.js';
import { LedgerTail } from './views/ledger-tail.js';
import { Histogram } from './views/prometheus.js';
import { PastTurns } from './turns/past-turns.js';
import type { ServedState } from './api-types.js';

/**
 * What the web server reads the org through: the org's files (reloaded when edited), the
 * message index, the ledger and the logs, and the event hub that feeds the browsers.
 * Everything here reads; actions go through the engine's own functions (see action-routes.ts).
 */
export class Dashboard {
  readonly hub: EventHub;
  readonly watch: OrgWatch;
  readonly ledger: LedgerTail;
  readonly activity: ActivityCounter;
  /** Turn durations seen by this process's engine (`lemming run --serve`). */
  readonly turnDurations = new Histogram();
  /**
   * What this process's own engine is doing (`lemming run --serve`), from its events: running turns,
   * waiting for mail, or ended. Undefined for `lemming serve`, which runs none.
   */
  served?: ServedState;
  /** The org as it was after earlier turns (`?turn=N`), each a dashboard of its own over a folder written from the history. */
  readonly pastTurns: PastTurns<Dashboard>;
  private readonly loader: OrgLoader;
  private readonly unsubscribe: () => void;

  /** `report`: where a failure of the message index, taken in beside the server, is told (standard error by default). */
  constructor(readonly root: string, hub = new EventHub(), report?: (line: string) => void) {
    this.hub = hub;
    this.loader = new OrgLoader(root);
    this.loader.loadOrThrow();
    this.watch = new OrgWatch(root, hub, report);
    this.ledger = new LedgerTail(root);
    this.activity = new ActivityCounter(root);
    this.pastTurns = new PastTurns(root, (folder) => new Dashboard(folder, undefined, report));
    this.unsubscribe = hub.subscribe(({ event }) => {
      if (event.kind !== 'engine') return;
      if (event.event.type === 'turn-finished') this.turnDurations.observe(event.event.stats.durationMs / 1000);
      if (event.event.type === 'run-started') this.served = 'turns';
      if (event.event.type === 'run-waiting') this.served = event.event.state;
    });
  }

  private loaded?: { org: Org; at: number };

  /**
   * The org as its files say now; a broken edit leaves the last valid org in force, as in a run.
   * Looked at again at most every half second: a page asks several routes at once, and each look
   * stats every resume.
   */
  org(): Org {
    const now = performance.now();
    if (!this.loaded || now - this.loaded.at > 500) this.loaded = { org: this.loader.loadOrThrow().org as Org, at: now };
    return this.loaded.org;
  }

  /** Forget the org as last read: an action here just changed its files (a hire approved). */
  orgChanged(): void {
    this.loaded = undefined;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await Promise.all([this.watch.stop(), this.pastTurns.close()]);
  }
}
