/** The dashboard's stylesheet, inlined into its page (no file to fetch, no CDN). */
export const PAGE_STYLES = `
:root { --ink: #1d2330; --muted: #6b7385; --line: #d9dde6; --accent: #2f6fde; --hot: #e0662f; --ok: #2c9a5a; --bad: #c23b3b; --bg: #f6f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 16px; padding: 8px 16px; background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 2; }
header nav { display: flex; flex-wrap: wrap; gap: 4px; }
header nav a { padding: 4px 10px; border-radius: 6px; color: var(--ink); text-decoration: none; }
header nav a.active { background: var(--accent); color: #fff; }
.org-switch { display: flex; flex-wrap: wrap; gap: 2px; max-width: 100%; white-space: nowrap; border: 1px solid var(--line); border-radius: 8px; padding: 2px; }
.org-switch[hidden] { display: none; }
header nav.org-switch a { padding: 2px 10px; font-size: 13px; }
.brand { font-size: 16px; } .org-name { color: var(--muted); }
.index-state { margin-left: auto; color: var(--hot); } .index-state.failed { color: var(--bad); } .index-state[hidden] { display: none; }
.index-state:not([hidden]) + .turn { margin-left: 0; }
.turn { margin-left: auto; color: var(--muted); }
.turn-choice[hidden], .turn-banner[hidden] { display: none; } .turn-choice select { max-width: 11em; padding: 2px 4px; }
.turn-banner { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; padding: 6px 16px; background: #fff4d6; border-bottom: 1px solid #e8d28c; }
body.past-turn .turn-choice select { border-color: var(--hot); } .live { color: var(--line); } .live.on { color: var(--ok); }
main { padding: 16px; max-width: 1400px; margin: 0 auto; overflow-wrap: break-word; }
h2 { margin: 8px 0 12px; font-size: 18px; } h3 { margin: 16px 0 8px; font-size: 15px; }
.muted { color: var(--muted); }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px; margin-bottom: 12px; min-width: 0; overflow-x: auto; }
.scroll { overflow-x: auto; max-width: 100%; }
.columns { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 12px; }
.columns > * { min-width: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); }
tr.clickable { cursor: pointer; } tr.clickable:hover { background: #eef3fd; }
input, select, textarea, button { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
button.secondary { background: #fff; color: var(--ink); border-color: var(--line); }
textarea { width: 100%; min-height: 90px; }
form.filters { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-bottom: 8px; }
form.filters input { width: 110px; } form.filters input.wide { width: 220px; }
pre { white-space: pre-wrap; word-break: break-word; background: #f1f3f8; padding: 8px; border-radius: 6px; margin: 6px 0; font-size: 12.5px; }
.body p { margin: 6px 0; } .body code { background: #f1f3f8; padding: 0 3px; border-radius: 3px; } .body pre code { padding: 0; }
.body blockquote { margin: 8px 0; padding: 2px 12px; border-left: 3px solid var(--line); color: #3a4254; }
.body ul, .body ol { margin: 6px 0; padding-left: 24px; } .body li > ul, .body li > ol { margin: 2px 0; }
.body table { width: auto; margin: 8px 0; } .body th, .body td { border: 1px solid var(--line); }
.front { color: var(--muted); font-size: 12.5px; }
.thread-entry { border-left: 3px solid var(--line); padding: 4px 10px; margin: 6px 0; }
.thread-entry.current { border-left-color: var(--accent); background: #eef3fd; }
.feed { max-height: 420px; overflow: auto; font-family: ui-monospace, monospace; font-size: 12.5px; }
.feed div { padding: 1px 0; border-bottom: 1px dotted var(--line); }
.feed .refused, .feed .error { color: var(--bad); }
.chart svg { max-width: 100%; height: auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
.node rect { fill: #fff; stroke: #9aa3b5; rx: 8; }
.node.has-mail rect { stroke: var(--accent); stroke-width: 2; } .node.error rect { stroke: var(--bad); stroke-width: 2; }
.node.out-of-credits rect { fill: #fbecec; } .node.human rect { fill: #eef6ee; } .node.thinking rect { stroke: var(--hot); stroke-width: 3; }
.node .title { font-size: 11px; fill: var(--muted); } .node .name { font-weight: 600; font-size: 13px; }
.node .bar-bg { fill: #e6e9f0; } .node .bar { fill: var(--ok); } .node .bar.low { fill: var(--bad); }
.edge { stroke: #c3c9d6; stroke-width: 1.2; fill: none; } .edge.recent { stroke: var(--hot); stroke-width: 2.6; }
.legend span { margin-right: 12px; }
.chart-panel img.chart-image { display: block; max-width: 100%; height: auto; } .chart-links { font-size: 12px; margin: 4px 0 0; }
.unread { font-weight: 600; } div.unread::before, tr.unread td:first-child::before { content: "● "; color: var(--accent); }
.error-text { color: var(--bad); } .ok-text { color: var(--ok); }
.proposal input.reason { min-width: 28em; } .proposal table.fields th { width: 10em; }
.trace-step { border-left: 3px solid var(--line); padding-left: 10px; margin: 14px 0; } #trace h4 { margin: 6px 0 2px; font-size: 0.9em; }
.tag { display: inline-block; padding: 0 6px; border-radius: 10px; background: #eef0f5; font-size: 12px; }
.tag.urgent, .tag.high { background: #fde9df; }
.tag.answered { background: #e3f4e9; } .tag.stuck { background: #fbecec; } .tag.open { background: #eef3fd; }
.clip { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 100%; }
td .clip { display: block; max-width: 36em; } td.number { white-space: nowrap; }
table.activity td.detail { font-family: ui-monospace, monospace; font-size: 12px; overflow-wrap: anywhere; min-width: 16em; }
.file-note { color: var(--muted); font-style: italic; } pre.file-text { max-height: 70vh; overflow: auto; }
#message-files ul { margin: 0; padding-left: 20px; }
@media (max-width: 760px) {
  header { padding: 6px 8px; gap: 4px 10px; }
  header nav a { padding: 3px 8px; }
  .turn { margin-left: 0; }
  .turn-banner { padding: 6px 8px; }
  main { padding: 8px; }
  .columns { grid-template-columns: minmax(0, 1fr); }
  form.filters input, form.filters input.wide { width: 100%; }
  .proposal input.reason { min-width: 0; width: 100%; }
  td .clip { max-width: 60vw; }
}
`;
