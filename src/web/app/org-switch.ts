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
 * The switcher between the orgs one dashboard serves (`lemming serve --root A --root B`): shown
 * only when there are several. Choosing one opens the same view of that org (the hash stays).
 * The page at `/` is the first org's.
 */
export async function showOrgSwitch(select: HTMLSelectElement): Promise<void> {
  const response = await fetch('/api/orgs', { credentials: 'same-origin' });
  if (!response.ok) return;
  const orgs = (await response.json()) as OrgListing[];
  if (orgs.length < 2) return;
  orgs.forEach((org, index) => {
    const current = org.base === ORG_BASE || (ORG_BASE === '/' && index === 0);
    select.append(el('option', { value: org.base, 'data-key': org.key, title: org.root, ...(current ? { selected: true } : {}) }, `${org.key} · ${org.name} · turn ${org.turn}`));
  });
  select.hidden = false;
  select.addEventListener('change', () => {
    location.assign(`${select.value}${location.hash}`);
  });
}
