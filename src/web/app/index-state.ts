import { getJson } from './api.js';
import { show, tokens as count } from './dom.js';
import type { Status } from './types.js';

/** How often the page asks again while the messages are being indexed, and after the index failed. */
const LOADING_POLL_MS = 1000;
const FAILED_POLL_MS = 5000;

/**
 * The header's word on the message index, which the server takes in after it starts (seconds for
 * a large org): "indexing messages…" with the count so far while it loads, the reason if it failed,
 * nothing once it is ready. It asks /api/status until then (a light route: it answers at once while
 * the index loads, and the page needs it only for a few seconds), and calls `onReady` when the index
 * comes in after the page opened, so the view shown fills in without a reload.
 */
export async function watchIndex(notice: HTMLElement, onReady: () => void): Promise<void> {
  let waited = false;
  for (;;) {
    let status: Status | undefined;
    try {
      status = await getJson<Status>('/status');
    } catch {
      // The server restarting, or the network: asked again below.
    }
    const index = status?.index;
    if (index?.state === 'ready') {
      notice.hidden = true;
      if (waited) onReady();
      return;
    }
    if (index) {
      waited = true;
      notice.hidden = false;
      notice.classList.toggle('failed', index.state === 'failed');
      if (index.state === 'failed') show(notice, 'message index failed: ', index.error);
      else show(notice, index.messages > 0 ? `indexing messages… ${count(index.messages)} so far` : 'indexing messages…');
    }
    await new Promise((resolve) => window.setTimeout(resolve, index?.state === 'failed' ? FAILED_POLL_MS : LOADING_POLL_MS));
  }
}
