import { credits, el } from './dom.js';
import { stepTools, type StepTool } from './step-tools.js';
import type { AgentView } from './types.js';
import { cutAtWord } from '../../ui/shared/preview.js';

type LogEntry = AgentView['log'][number];

/** A value of a log line in words: lists joined, objects as `key value`, long text cut at a word; never JSON. */
function words(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return cutAtWord(value.replace(/\s+/g, ' '), 160);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(words).join(', ');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== null && inner !== undefined)
      .map(([key, inner]) => `${key} ${words(inner)}`)
      .join(', ');
  }
  return String(value);
}

/** The fields a log line's own columns show. */
const SHOWN_APART = new Set(['turn', 'at', 'event', 'agent']);

/** What a log line says beyond its time, turn and event, in words: a step's tools as the feed shows them, a charge in credits, the rest as `key: value`. */
function detail(entry: LogEntry): string {
  const rest: Record<string, unknown> = Object.fromEntries(Object.entries(entry).filter(([key]) => !SHOWN_APART.has(key)));
  if (entry.event === 'step' && Array.isArray(rest.tools)) {
    const { step, tools, ...more } = rest;
    return [`#${String(step)} ${stepTools(tools as StepTool[])}`, ...fields(more)].join(' · ');
  }
  if (typeof rest.credits === 'number') rest.credits = credits(rest.credits);
  return fields(rest).join(' · ');
}

function fields(rest: Record<string, unknown>): string[] {
  return Object.entries(rest)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => `${key.replace(/_/g, ' ')}: ${words(value)}`);
}

/**
 * An agent's activity log as a table a person reads: when (the time of day; the date on hover),
 * the turn, the agent, the event and what it says in words. Errors and refusals in red.
 */
export function activityTable(agent: string, log: readonly LogEntry[]): HTMLElement {
  return el(
    'table',
    { class: 'activity' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Time'), el('th', {}, 'Turn'), el('th', {}, 'Agent'), el('th', {}, 'Event'), el('th', {}, 'Detail'))),
    el(
      'tbody',
      {},
      ...log.map((entry) =>
        el(
          'tr',
          { class: entry.event === 'error' || entry.event === 'refused' ? 'error-text' : undefined },
          el('td', { class: 'number', title: entry.at }, entry.at.slice(11, 19)),
          el('td', { class: 'number' }, String(entry.turn)),
          el('td', {}, typeof entry.agent === 'string' ? entry.agent : agent),
          el('td', {}, entry.event),
          el('td', { class: 'detail' }, detail(entry)),
        ),
      ),
    ),
  );
}
