/**
 * A request to confirm (docs/offline-model.md): a message that asks its readers to confirm or
 * acknowledge that they have it ("Please confirm you have read this", "acknowledge receipt", "reply
 * to confirm") is a notice, not a task. Each reader it is addressed to confirms, to the sender alone
 * (a confirmation copied to a list would reach every member once per member), and does nothing more
 * with it. Asking to confirm something else ("confirm the dates") is a task like any other. Pure.
 */

/** Confirm or acknowledge, then (in the same sentence) that one has it: read, seen, got, received, receipt; or `reply to confirm`. */
const ASKS_TO_CONFIRM = /\b(?:confirm|acknowledge)\b[^.?!\n]*?\b(?:receipt|received|receiving|read|seen|got|get|have this|have it)\b|\b(?:confirm|acknowledge) (?:receipt|this)\b|\breply to (?:confirm|acknowledge)\b/i;

/** Whether a message's body asks its reader to confirm they have it. */
export function asksToConfirm(body: string): boolean {
  return ASKS_TO_CONFIRM.test(body);
}

/** The confirmation: that it read the message, named by its subject. */
export function confirmation(subject: string): string {
  return `Confirmed: I have read "${subject}".`;
}
