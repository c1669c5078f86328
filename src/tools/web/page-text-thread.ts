import { parentPort } from 'node:worker_threads';
import { boundHtml } from './html-bounds.js';
import { pageText } from './page-text.js';

/** What the engine sends the thread: one page's HTML. */
export interface PageTextRequest {
  html: string;
}

/** What the thread answers: the page's text and what bounding did to it, or why it could not. */
export type PageTextAnswer = { text: string; cutChars: number; flattened: number } | { error: string };

/**
 * The program of the thread that turns pages into text (started by page-text-threads.ts), so a
 * page however large or nested holds up no agent but its own: HTML bounded (html-bounds.ts), then
 * converted (page-text.ts). An exception is an answer, so the thread serves the next page.
 */
parentPort?.on('message', ({ html }: PageTextRequest) => {
  let answer: PageTextAnswer;
  try {
    const bounded = boundHtml(html);
    answer = { text: pageText(bounded.html), cutChars: bounded.cutChars, flattened: bounded.flattened };
  } catch (error) {
    answer = { error: (error as Error).message };
  }
  parentPort?.postMessage(answer);
});
