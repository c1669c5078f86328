import type { NotifyTarget } from '../org/schema.js';
import type { Notification } from './notification.js';

/** Where a notification comes from: the org, and the folder it lives in. */
export interface NotificationSource {
  org: string;
  root: string;
  /** ISO time it was made. */
  at: string;
}

/**
 * The body POSTed to a target. `json`: lemming's own form, `{lemming, event, org, root, turn, at,
 * title, text, details}`. `slack`: what Slack's incoming webhooks (and Mattermost, Discord's
 * /slack endpoints) take, `{text, blocks}` with the title in bold. Pure.
 */
export function payloadFor(format: NotifyTarget['format'], notification: Notification, source: NotificationSource): Record<string, unknown> {
  if (format === 'slack') {
    const text = `*${escapeSlack(notification.title)}*\n${escapeSlack(notification.text)}\n_${escapeSlack(source.org)} · turn ${notification.turn}_`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  return {
    lemming: 1,
    event: notification.event,
    org: source.org,
    root: source.root,
    turn: notification.turn,
    at: source.at,
    title: notification.title,
    text: notification.text,
    details: notification.details,
  };
}

/** Slack's mrkdwn gives `&`, `<` and `>` meanings; an agent's words must not make links or mentions. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
