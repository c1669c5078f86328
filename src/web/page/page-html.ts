import { PAGE_STYLES } from './page-styles.js';

/** Text made safe to place in HTML: the five characters that could open markup become references. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * The dashboard's one HTML page: a header with the views, an empty main area the app fills,
 * and the app's entry module. No inline script (the content security policy forbids it). `base`
 * is where this org's routes are (`/`, or `/o/<key>/` when the dashboard serves several orgs);
 * the app reads it from the body and a switcher between the orgs fills in when there are several.
 */
export function pageHtml(orgName: string, base = '/'): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>lemming · ${escapeHtml(orgName)}</title>
<style>${PAGE_STYLES}</style>
<script type="module" src="/app/main.js"></script>
</head>
<body data-base="${escapeHtml(base)}">
<header>
  <strong class="brand">lemming</strong> <span class="org-name">${escapeHtml(orgName)}</span>
  <nav id="org-switch" class="org-switch" aria-label="Organisations" hidden></nav>
  <nav>
    <a href="#/chart" data-view="chart">Chart</a>
    <a href="#/messages" data-view="messages">Messages</a>
    <a href="#/requests" data-view="requests">Requests</a>
    <a href="#/analysis" data-view="analysis">Analysis</a>
    <a href="#/run" data-view="run">Run</a>
    <a href="#/proposals" data-view="proposals">Proposals</a>
    <a href="#/human" data-view="human">You</a>
  </nav>
  <span id="index-state" class="index-state" hidden>indexing messages…</span>
  <span id="turn" class="turn"></span>
  <span id="turn-choice" class="turn-choice" hidden></span>
  <span id="live" class="live" title="live updates">●</span>
</header>
<div id="turn-banner" class="turn-banner" role="status" hidden></div>
<main id="view"><p class="muted placeholder" role="status" aria-busy="true">Loading the dashboard…</p></main>
</body>
</html>
`;
}
