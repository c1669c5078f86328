/*
 * A time as lemming writes it in its files (the journal, activity logs, the ledger, messages' `created`, call
 * traces, cassettes): Date.toISOString's text, made once a millisecond. Below the engine and the providers,
 * which both write the time a turn's clock says; imports nothing.
 */

/** The last time written as text by isoText, and its text. */
let last: { ms: number; text: string } = { ms: Number.NaN, text: '' };

/**
 * A time's ISO text (Date.toISOString), made once for each millisecond: an instant model's answers arrive
 * by the dozen within one (10,000 a turn at 10,000 busy agents), and each was given its own. A time that is
 * not one (NaN) is never the last, so it throws as toISOString does.
 */
export function isoText(time: Date): string {
  const ms = time.getTime();
  if (ms !== last.ms) last = { ms, text: time.toISOString() };
  return last.text;
}
