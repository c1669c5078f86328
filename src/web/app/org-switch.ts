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
 * The switcher between the orgs one dashboard serves (`lemming serve --root A --root B`): a tab
 * for each, shown only when there are several (a long list scrolls in its strip). A tab opens the
 * same view of its org (the hash stays). The page at `/` is the first org's.
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
      if (!current) location.assign(`${org.base}${location.hash}`);
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
