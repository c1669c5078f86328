import { join } from 'node:path';
import type { EngineEvent } from '../engine/events.js';
import { errorMessage } from '../errors.js';
import type { Org } from '../org/org.js';
import { sleep as realSleep, type Sleep } from '../providers/sleep.js';
import { keyLookup } from '../secrets/key-lookup.js';
import { withoutSecrets } from '../secrets/secrets.js';
import { appendText } from '../storage/write-bytes.js';
import type { CommandHint } from '../format/format.js';
import { describeProposal } from '../tools/proposals/proposal.js';
import { readProposal } from '../tools/proposals/proposal-store.js';
import { deliver, type DeliveryRecord } from './deliver.js';
import { notificationsOf, runFailure, type Notification } from './notification.js';
import { payloadFor } from './payload.js';

/** Where every delivery attempt is logged, relative to the org root. */
export const NOTIFICATIONS_LOG = 'org/state/notifications.jsonl';

/** How long, once a run is over, the process waits for deliveries still being tried. */
export const SETTLE_MS = 30_000;

/** What a notifier may be given instead of the real world (tests). */
export interface NotifierOptions {
  fetch?: typeof fetch;
  sleep?: Sleep;
  clock?: () => Date;
}

/**
 * Tells people, through org.yaml's `notify:` webhooks, what needs them, from the engine's events
 * as they pass: each delivery runs on its own (with its retries), so a turn never waits for one.
 * Each attempt goes to `org/state/notifications.jsonl`, secrets cut. The org's `notify:` entries
 * are read at each event, so an edit takes effect with the engine's next reload.
 */
export class Notifier {
  private readonly pending = new Set<Promise<unknown>>();
  private readonly stop = new AbortController();
  private readonly lookup;

  constructor(
    private readonly root: string,
    private readonly org: () => Org,
    /** Writes the commands a notification suggests, as they work where it is read (cli/command-hint.ts). */
    private readonly command: CommandHint,
    private readonly options: NotifierOptions = {},
  ) {
    this.lookup = keyLookup(root);
  }

  /** Look at one event; what a person must hear of goes out now, in the background. */
  observe(event: EngineEvent): void {
    if ((this.org().notify ?? []).length === 0) return;
    for (const notification of notificationsOf(event, (id) => this.proposal(id), this.command)) this.send(notification);
  }

  /** A run that stopped with an error after `turn`: the people who asked to hear of it are told. */
  runFailed(error: unknown, turn: number): void {
    this.send(runFailure(errorMessage(error), turn, this.command));
  }

  /**
   * Wait for the deliveries still being tried, at most `limitMs`; what is left then is abandoned
   * (logged as such), so a finished run does not linger.
   */
  async settle(limitMs = SETTLE_MS): Promise<void> {
    if (this.pending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, limitMs);
    });
    await Promise.race([Promise.allSettled([...this.pending]), late]);
    clearTimeout(timer);
    this.stop.abort();
    await Promise.allSettled([...this.pending]);
  }

  private send(notification: Notification): void {
    const org = this.org();
    const source = { org: org.name, root: this.root, at: this.now() };
    (org.notify ?? []).forEach((target, index) => {
      if (!target.on.includes(notification.event)) return;
      const body = withoutSecrets(payloadFor(target.format, notification, source));
      const about = { event: notification.event, turn: notification.turn, title: notification.title };
      const delivery = deliver(target, index, body, about, {
        lookup: this.lookup,
        log: (record) => this.log(record),
        now: () => this.now(),
        sleep: this.options.sleep ?? realSleep,
        fetch: this.options.fetch ?? fetch,
        signal: this.stop.signal,
      }).catch(() => false);
      this.pending.add(delivery);
      void delivery.finally(() => this.pending.delete(delivery));
    });
  }

  private log(record: DeliveryRecord): void {
    try {
      appendText(join(this.root, NOTIFICATIONS_LOG), `${JSON.stringify(withoutSecrets(record))}\n`);
    } catch {
      // A log that cannot be written must not stop a delivery, nor the run.
    }
  }

  private proposal(id: string): string | undefined {
    try {
      return describeProposal(readProposal(this.root, id));
    } catch {
      return undefined;
    }
  }

  private now(): string {
    return (this.options.clock?.() ?? new Date()).toISOString();
  }
}
