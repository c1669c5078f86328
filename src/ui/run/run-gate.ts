/**
 * Pause, step and stop for a run driven from a screen. The engine's run is an async
 * generator that does nothing while nobody asks for its next event, so pausing is
 * simply not asking past the end of a turn: the turn in progress always finishes
 * and commits, and hand edits made during the pause are picked up by the next turn.
 */
export class RunGate {
  private paused: boolean;
  private stopped = false;
  private steps = 0;
  private inStep = false;
  private wake?: () => void;
  private readonly listeners = new Set<() => void>();

  constructor(options: { paused?: boolean } = {}) {
    this.paused = options.paused ?? false;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** True from `s` until the turn it let through has finished. */
  get isStepping(): boolean {
    return this.steps > 0 || this.inStep;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** `p`: pause after the current turn, or go on. */
  togglePause(): void {
    if (this.stopped) return;
    this.paused = !this.paused;
    if (!this.paused) this.steps = 0;
    this.inStep = false;
    this.changed();
  }

  /** `s`: while paused, let exactly one more turn run. */
  step(): void {
    if (this.stopped || !this.paused) return;
    this.steps = 1;
    this.changed();
  }

  /** Let everything through for good: the run is stopping and must reach its end. */
  stop(): void {
    this.stopped = true;
    this.changed();
  }

  /** Called between turns: resolves when the next turn may start. */
  async betweenTurns(): Promise<void> {
    if (this.inStep) {
      this.inStep = false;
      this.changed();
    }
    for (;;) {
      if (this.stopped || !this.paused) return;
      if (this.steps > 0) {
        this.steps = 0;
        this.inStep = true;
        this.changed();
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Tell the screen the gate changed, so it can say "paused" or "running". */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
    for (const listener of this.listeners) listener();
  }
}
