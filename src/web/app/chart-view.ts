import { getJson } from './api.js';
import { clip, credits, el, placeholder, show, svg, tokens } from './dom.js';
import { debounce, listenThenLoad } from './live.js';
import type { AgentStatus, Chart, ChartNode } from './types.js';

const BOX = { width: 160, height: 58 };
const GAP = { x: 24, y: 56 };
const PER_ROW = 10;

interface Placed extends ChartNode {
  x: number;
  y: number;
}

/** Rows by depth under the top of the chart (reports_to), wrapped so a wide level stays readable. */
function layout(nodes: ChartNode[]): { placed: Map<string, Placed>; width: number; height: number } {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const depth = new Map<string, number>();
  const depthOf = (name: string, seen = new Set<string>()): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const manager = byName.get(name)?.reportsTo;
    const value = manager && byName.has(manager) && !seen.has(manager) ? depthOf(manager, seen.add(name)) + 1 : 0;
    depth.set(name, value);
    return value;
  };
  const levels = new Map<number, ChartNode[]>();
  for (const node of nodes) {
    const level = depthOf(node.name);
    levels.set(level, [...(levels.get(level) ?? []), node]);
  }
  const placed = new Map<string, Placed>();
  let row = 0;
  let widest = 1;
  for (const level of [...levels.keys()].sort((left, right) => left - right)) {
    const members = (levels.get(level) ?? []).sort((left, right) => (left.reportsTo ?? '').localeCompare(right.reportsTo ?? '') || left.name.localeCompare(right.name));
    for (let start = 0; start < members.length; start += PER_ROW) {
      const slice = members.slice(start, start + PER_ROW);
      widest = Math.max(widest, slice.length);
      slice.forEach((node, column) => placed.set(node.name, { ...node, x: column, y: row }));
      row += 1;
    }
  }
  const width = widest * (BOX.width + GAP.x) + GAP.x;
  const rowCounts = new Map<number, number>();
  for (const node of placed.values()) rowCounts.set(node.y, (rowCounts.get(node.y) ?? 0) + 1);
  for (const node of placed.values()) {
    const rowCount = rowCounts.get(node.y) ?? 1;
    const offset = (width - rowCount * (BOX.width + GAP.x) + GAP.x) / 2;
    node.x = offset + node.x * (BOX.width + GAP.x);
    node.y = GAP.y / 2 + node.y * (BOX.height + GAP.y);
  }
  return { placed, width, height: row * (BOX.height + GAP.y) + GAP.y / 2 };
}

/** Where the line from `from`'s centre to `to`'s centre leaves `to`'s box: the arrow ends on its border. */
function border(from: Placed, to: Placed): { x: number; y: number } {
  const cx = to.x + BOX.width / 2;
  const cy = to.y + BOX.height / 2;
  const dx = from.x + BOX.width / 2 - cx;
  const dy = from.y + BOX.height / 2 - cy;
  const scale = Math.min(Math.abs(dx) > 0 ? BOX.width / 2 / Math.abs(dx) : Infinity, Math.abs(dy) > 0 ? BOX.height / 2 / Math.abs(dy) : Infinity);
  return { x: cx + dx * scale, y: cy + dy * scale };
}

function drawNode(node: Placed): SVGElement {
  const share = node.budget > 0 ? Math.max(0, Math.min(1, node.balance / node.budget)) : 0;
  const group = svg('g', { class: `node ${node.state}`, 'data-agent': node.name, transform: `translate(${node.x},${node.y})`, tabindex: 0, role: 'link' });
  group.append(
    svg('title', {}, `${node.name}: ${node.title} · ${node.model}${node.isHuman ? '' : ` · ${credits(node.balance)} of ${credits(node.budget)} credits`} · ${node.state}`),
    svg('rect', { width: BOX.width, height: BOX.height, rx: 8 }),
    svg('text', { class: 'name', x: 8, y: 17 }, node.name),
    svg('text', { class: 'title', x: 8, y: 31 }, clip(node.title, 26)),
    svg('text', { class: 'title', x: 8, y: 44 }, node.isHuman ? (node.unread > 0 ? `you · ${node.unread} unread` : 'you') : clip(node.model, 18) + (node.unread > 0 ? ` · ${node.unread} unread` : '')),
  );
  if (!node.isHuman) {
    group.append(svg('rect', { class: 'bar-bg', x: 8, y: 49, width: BOX.width - 16, height: 4 }), svg('rect', { class: share < 0.2 ? 'bar low' : 'bar', x: 8, y: 49, width: (BOX.width - 16) * share, height: 4 }));
  }
  group.addEventListener('click', () => (location.hash = `#/agent/${node.name}`));
  return group;
}

/** The most rows the agents table shows: past it, an org of thousands is read from its chart and pages. */
const MOST_ROWS = 1000;

/** The agents as a table (what a narrow screen reads better than the graph): state, unread mail, credits left and what each has cost. */
function agentsTable(agents: readonly AgentStatus[]): HTMLElement {
  const rows = agents.slice(0, MOST_ROWS).map((agent) =>
    el(
      'tr',
      { class: 'clickable', 'data-agent': agent.name, onclick: () => (location.hash = `#/agent/${agent.name}`) },
      el('td', {}, el('a', { href: `#/agent/${agent.name}` }, agent.name)),
      el('td', {}, agent.title),
      el('td', {}, agent.isHuman ? 'you' : agent.model),
      el('td', { class: 'number' }, String(agent.unread)),
      el('td', { class: 'number balance' }, agent.isHuman ? '' : credits(agent.balance)),
      el('td', { class: 'number cost', title: agent.isHuman ? undefined : `${tokens(agent.inputTokens)} tokens in, ${tokens(agent.outputTokens)} out` }, agent.isHuman ? '' : credits(agent.spent)),
    ),
  );
  return el(
    'div',
    { class: 'scroll' },
    el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Agent'), el('th', {}, 'Title'), el('th', {}, 'Model'), el('th', {}, 'Unread'), el('th', {}, 'Credits left'), el('th', { title: 'credits spent' }, 'Cost'))), el('tbody', {}, ...rows)),
    agents.length > MOST_ROWS ? el('p', { class: 'muted' }, `the first ${MOST_ROWS} of ${agents.length} agents`) : '',
  );
}

/** The org chart as a graph: agents as nodes, permission edges as arrows, recent traffic highlighted; live. */
export async function chartPage(main: HTMLElement): Promise<() => void> {
  const picture = el('div', { class: 'chart' }, placeholder('Drawing the org chart…'));
  const caption = el('p', { class: 'muted legend' });
  const table = el('div', { class: 'panel', id: 'agents-table' }, placeholder('Reading the agents…'));
  show(main, el('h2', {}, 'Org chart'), caption, picture, table);
  const thinking = new Set<string>();
  const draw = async (): Promise<void> => {
    const [chart, { agents }] = await Promise.all([getJson<Chart>('/chart'), getJson<{ agents: AgentStatus[] }>('/agents')]);
    const { placed, width, height } = layout(chart.nodes);
    const graph = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, id: 'chart-graph' });
    graph.append(
      svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#8791a5' }))),
    );
    for (const edge of chart.edges) {
      const from = placed.get(edge.from);
      const to = placed.get(edge.to);
      if (!from || !to) continue;
      let start = border(to, from);
      let end = border(from, to);
      // Each direction keeps to its own side, so A→B and B→A are two arrows, not one line.
      const length = Math.hypot(end.x - start.x, end.y - start.y) || 1;
      const shift = { x: (-(end.y - start.y) / length) * 4, y: ((end.x - start.x) / length) * 4 };
      start = { x: start.x + shift.x, y: start.y + shift.y };
      end = { x: end.x + shift.x, y: end.y + shift.y };
      const line = svg('line', { class: edge.recent > 0 ? 'edge recent' : 'edge', 'data-edge': `${edge.from}->${edge.to}`, x1: start.x, y1: start.y, x2: end.x, y2: end.y, 'marker-end': 'url(#arrow)' });
      line.append(svg('title', {}, `${edge.from} → ${edge.to}: ${edge.total} message(s), ${edge.recent} in the last turns`));
      graph.append(line);
    }
    for (const node of placed.values()) {
      const drawn = drawNode(node);
      if (thinking.has(node.name)) drawn.classList.add('thinking');
      graph.append(drawn);
    }
    show(picture, graph);
    show(table, el('h3', {}, 'Agents'), agentsTable(agents));
    show(caption, `Turn ${chart.turn} · ${chart.nodes.length} agents · `, chart.trafficCounted ? el('span', {}, 'orange arrows carried mail in the last 3 turns') : el('span', {}, 'the mail along each arrow shows once the messages are indexed'), chart.edgesLimited ? ' · too many permission edges to draw: only those that carried mail' : '');
  };
  const redraw = debounce(() => void draw(), 400);
  return listenThenLoad((event) => {
    if (event.kind === 'engine') {
      const { type, agent } = event.event;
      if (type === 'agent-called' && agent) thinking.add(agent);
      if ((type === 'agent-done' || type === 'agent-error') && agent) thinking.delete(agent);
      if (type === 'agent-called' && agent) document.querySelector(`[data-agent="${CSS.escape(agent)}"]`)?.classList.add('thinking');
      if (type === 'run-finished') thinking.clear();
    }
    if (event.kind === 'mail') {
      document.querySelector(`[data-edge="${CSS.escape(`${event.message.from}->${event.message.to}`)}"]`)?.classList.add('recent');
    }
    if (event.kind !== 'hello') redraw();
  }, draw);
}
