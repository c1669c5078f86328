import { ORG_BASE } from './api.js';
import { el } from './dom.js';

/** One org the dashboard serves, as `/api/orgs` lists it. */
interface OrgListing {
  key: string;
  name: string;
  root: string;
  base: string;
  turn: number;
}

/**
 * The API route that says whether `hash`'s view has something to show in the org at `base`: an
 * agent's page needs that agent, a message's page that message, a file's page that file. Other
 * views (the chart, the lists) are in every org: none.
 */
function subjectOf(hash: string, base: string): string | undefined {
  const [view = '', first = '', ...rest] = hash.replace(/^#\/?/, '').split('?')[0]?.split('/') ?? [];
  if (first === '') return undefined;
  if (view === 'agent') return `${base}api/agents/${first}`;
  if (view === 'message') return `${base}api/messages/${first}`;
  if (view === 'file') return `${base}api/agents/${first}/workspace?path=${encodeURIComponent(rest.map(decodeURIComponent).join('/'))}`;
  return undefined;
}

/**
 * Where a tab of the switcher leads: the same view of its org when that org has what the view
 * shows (its own coder_01, that message), else the org's home (its chart), never a page that only
 * says the thing is not there.
 */
async function sameViewOrHome(base: string): Promise<string> {
  const subject = subjectOf(location.hash, base);
  if (subject === undefined) return `${base}${location.hash}`;
  const answer = await fetch(subject, { credentials: 'same-origin' }).catch(() => undefined);
  return answer?.ok ? `${base}${location.hash}` : `${base}#/chart`;
}

/**
 * The switcher between the orgs one dashboard serves (`lemming serve --root A --root B`): a tab
 * for each, shown only when there are several (they wrap onto more lines on a narrow screen). A
 * tab opens the same view of its org, or its home when that org has no such agent, message or
 * file. The page at `/` is the first org's.
 */
export async function showOrgSwitch(strip: HTMLElement): Promise<void> {
  const response = await fetch('/api/orgs', { credentials: 'same-origin' });
  if (!response.ok) return;
  const orgs = (await response.json()) as OrgListing[];
  if (orgs.length < 2) return;
  orgs.forEach((org, index) => {
    const current = org.base === ORG_BASE || (ORG_BASE === '/' && index === 0);
    const open = (event: Event): void => {
      event.preventDefault();
      if (!current) void sameViewOrHome(org.base).then((address) => location.assign(address));
    };
    strip.append(
      el(
        'a',
        { href: org.base, class: current ? 'org-tab active' : 'org-tab', 'data-key': org.key, title: `${org.name}, turn ${org.turn}: ${org.root}`, ...(current ? { 'aria-current': 'page' } : {}), onclick: open },
        org.key,
      ),
    );
  });
  strip.hidden = false;
}
