import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderChart, type ChartSpec } from '../../src/charts/render-chart.js';
import { agentCreditsChart } from '../../src/web/views/agent-credits-chart.js';
import { creditsByTurnChart } from '../../src/web/views/credits-by-turn-chart.js';
import { staticPackages } from '../helpers/import-graph.js';
import { defaultOrg, humanSends, REPO_ROOT, runEngine } from '../helpers/temp-org.js';
import { readChart, roundTicksProblem, unescapeXml, type ReadChart } from '../helpers/vega-svg.js';
import { getJson, serveOrg } from './web-server.js';

type Served = Awaited<ReturnType<typeof serveOrg>>;

/** A chart's SVG as a program gets it: the status, the content type and the drawing read back. */
async function getChart(server: Served, path: string): Promise<{ status: number; type: string; svg: string; chart: ReadChart }> {
  const response = await fetch(`${server.base}${path}`, { headers: { authorization: `Bearer ${server.token}` } });
  const svg = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', svg, chart: readChart(svg) };
}

/** Where a bar's bottom edge is: its path is `M x,y h w v height h -w Z`. */
function barBottom(d: string): number {
  const match = /^M[-\d.e]+,([-\d.e]+)h[-\d.e]+v([-\d.e]+)/.exec(d);
  return Number(match?.[1]) + Number(match?.[2]);
}

/** The default org after the human's request, run `turns` turns (all of them when not given). */
async function ranOrg(turns?: number): Promise<string> {
  const root = defaultOrg();
  humanSends(root, 'manager', 'Write the release notes for 1.2', 'Release notes');
  await runEngine(root, turns === undefined ? {} : { maxTurns: turns });
  return root;
}

describe("the dashboard's charts, drawn on the server by Vega-Lite", () => {
  test("the Run page's chart: a bar per turn rising from zero on round ticks, both axes titled; the spec beside it draws the same picture", async () => {
    const server = await serveOrg(await ranOrg());
    const byTurn = (await getJson<{ byTurn: Array<{ turn: number; credits: number }> }>(server, '/api/ledger?limit=1')).body.byTurn;
    expect(byTurn.length).toBeGreaterThan(2);
    const { status, type, svg, chart } = await getChart(server, '/api/charts/credits-by-turn.svg');
    expect(status).toBe(200);
    expect(type).toMatch(/^image\/svg\+xml/);
    expect(chart.title).toBe('Credits burned per turn');
    expect(chart.axes.x?.title).toBe('turn');
    expect(chart.axes.y?.title).toBe('credits burned');
    // Round ticks from 0, never 1.969-style.
    expect(roundTicksProblem(chart.axes.y ?? { title: '', ticks: [] })).toBeUndefined();
    // A bar for every turn from the first charged to the last, each the credits the ledger has for it.
    const bars = chart.marks.filter((mark) => mark.kind === 'bar');
    const first = byTurn[0]?.turn ?? 0;
    const last = byTurn.at(-1)?.turn ?? 0;
    expect(bars.map((bar) => Number(bar.values.turn))).toEqual(Array.from({ length: last - first + 1 }, (_, index) => first + index));
    for (const bar of bars) expect(Number(bar.values['credits burned'])).toBeCloseTo(byTurn.find((spend) => spend.turn === Number(bar.values.turn))?.credits ?? 0, 6);
    // Every bar stands on the axis's 0: a bar's height is its share of the scale.
    const zero = chart.axes.y?.ticks[0]?.at;
    for (const bar of bars) expect(barBottom(bar.d)).toBeCloseTo(zero ?? Number.NaN, 6);
    // The spec it was drawn from, to open in a Vega-Lite editor: drawn again, it is the same picture.
    const spec = await getJson<ChartSpec & { data: { values: Array<{ turn: number; credits: number }> } }>(server, '/api/charts/credits-by-turn.vl.json');
    expect(spec.status).toBe(200);
    expect(spec.body.$schema).toMatch(/vega-lite/);
    expect(spec.body.data.values.map((value) => value.turn)).toEqual(bars.map((bar) => Number(bar.values.turn)));
    expect(await renderChart(spec.body)).toBe(svg);
  });

  test("an agent's chart: its credits from turn 0, a point after each turn it was charged in (two after one turn), on an axis from zero; as it was with ?turn=", async () => {
    const root = await ranOrg(1);
    const server = await serveOrg(root);
    const manager = async (query = ''): Promise<{ chart: ReadChart; agent: { credits: Array<{ turn: number; balance: number }>; status: { budget: number; toppedUp: number } } }> => ({
      chart: (await getChart(server, `/api/agents/manager/credits.svg${query}`)).chart,
      agent: (await getJson<{ credits: Array<{ turn: number; balance: number }>; status: { budget: number; toppedUp: number } }>(server, `/api/agents/manager${query}`)).body,
    });
    const after = await manager();
    expect(after.agent.credits.map((point) => point.turn)).toEqual([1]);
    const points = (chart: ReadChart): Array<[number, number]> => chart.marks.filter((mark) => mark.kind === 'point').map((mark) => [Number(mark.values.turn), Number(mark.values['credits left'])]);
    // After one turn: where it started and where it is, not a single bar.
    expect(points(after.chart)).toEqual([
      [0, after.agent.status.budget + after.agent.status.toppedUp],
      [1, after.agent.credits[0]?.balance],
    ]);
    expect(after.chart.marks.map((mark) => mark.kind)).toEqual(expect.arrayContaining(['area mark', 'line mark']));
    expect(after.chart.title).toBe('manager: credits left after each turn');
    expect([after.chart.axes.x?.title, after.chart.axes.y?.title]).toEqual(['turn', 'credits left']);
    expect(after.chart.axes.x?.ticks.map((tick) => tick.label)).toEqual(['0', '1']);
    expect(roundTicksProblem(after.chart.axes.y ?? { title: '', ticks: [] })).toBeUndefined();

    // More turns: more points now, and ?turn=1 draws the org as it was after turn 1, as its JSON says.
    humanSends(root, 'manager', 'And the changelog, please', 'Changelog');
    await runEngine(root);
    const now = await manager();
    expect(points(now.chart).length).toBe(now.agent.credits.length + 1);
    expect(points(now.chart).length).toBeGreaterThan(2);
    const then = await manager('?turn=1');
    expect(points(then.chart)).toEqual(points(after.chart));
    const runThen = (await getChart(server, '/api/charts/credits-by-turn.svg?turn=1')).chart;
    expect(runThen.marks.filter((mark) => mark.kind === 'bar').map((bar) => bar.values.turn)).toEqual(['1']);
  });

  test('an agent that paid for a hire: its chart starts from its budget less what it gave, and ends at the balance its status shows', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Hiring: please hire another coder for the release', 'Hiring: hire a coder');
    await runEngine(root);
    const server = await serveOrg(root);
    const id = (await getJson<{ pending: Array<{ id: string }> }>(server, '/api/proposals')).body.pending[0]?.id;
    const approved = await fetch(`${server.base}/api/proposals/${id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: '{}' });
    expect(approved.status).toBe(200);
    const hr = (await getJson<{ credits: Array<{ turn: number; balance: number }>; status: { budget: number; toppedUp: number; balance: number } }>(server, '/api/agents/hr')).body;
    // The hire moved credits from hr: a transfer, counted from the start as its status counts it.
    expect(hr.status.toppedUp).toBeLessThan(0);
    expect(hr.credits.at(-1)?.balance).toBeCloseTo(hr.status.balance, 9);
    const points = readChart((await getChart(server, '/api/agents/hr/credits.svg')).svg).marks.filter((mark) => mark.kind === 'point');
    expect(Number(points[0]?.values['credits left'])).toBeCloseTo(hr.status.budget + hr.status.toppedUp, 9);
    expect(Number(points.at(-1)?.values['credits left'])).toBeCloseTo(hr.status.balance, 9);
  });

  test('a chart asks what its JSON route asks: the token, and an agent the org has', async () => {
    const server = await serveOrg(await ranOrg(1));
    for (const path of ['/api/agents/nobody/credits.svg', '/api/agents/nobody/credits.vl.json', '/api/agents/nobody']) {
      const answer = await getJson<{ error: string }>(server, path);
      expect({ path, status: answer.status, error: answer.body.error }).toEqual({ path, status: 404, error: 'unknown-agent' });
    }
    for (const path of ['/api/charts/credits-by-turn.svg', '/api/agents/manager/credits.svg']) expect((await fetch(`${server.base}${path}`)).status).toBe(401);
    expect((await getChart(server, '/api/charts/credits-by-turn.svg?turn=soon')).status).toBe(400);
  });

  test('a name holding markup is text in the drawing: escaped by Vega, never an element', async () => {
    const name = `<script>alert(1)</script><a href="x" onload='y'>&amp;`;
    const svg = await renderChart(agentCreditsChart(name, { start: 1, turns: [{ turn: 1, spent: 0.25, balance: 0.75 }] }));
    // Every element is one Vega draws, and every attribute is one of its own: the name's quotes did not end an attribute.
    const tags = [...svg.matchAll(/<([a-z]+)((?:\s[\w:-]+="[^"]*")*)\s*\/?>/g)];
    expect(new Set(tags.map((tag) => tag[1]))).toEqual(new Set(['svg', 'rect', 'g', 'path', 'line', 'text']));
    expect(tags.length).toBe(svg.match(/<[a-z]/g)?.length);
    const attributes = new Set(tags.flatMap((tag) => [...(tag[2] ?? '').matchAll(/\s([\w:-]+)="/g)].map((attribute) => attribute[1])));
    expect([...attributes].filter((attribute) => attribute?.startsWith('on') || attribute === 'href')).toEqual([]);
    // The title says the name as it is written.
    expect(readChart(svg).title).toBe(`${name}: credits left after each turn`);
    expect(unescapeXml(svg)).toContain(name);
  });

  test('a turn that charged nothing is a bar of 0; a long run shows its latest 100 turns and says so; no charge yet draws axes without a bar; Vega loads only at the first chart', async () => {
    const spend = (turn: number, credits: number) => ({ turn, credits, calls: 1, inputTokens: 100, outputTokens: 10 });
    const gap = readChart(await renderChart(creditsByTurnChart([spend(1, 0.002), spend(3, 0.004)])));
    expect(gap.marks.map((mark) => mark.values)).toEqual([
      { turn: '1', 'credits burned': '0.002' },
      { turn: '2', 'credits burned': '0' },
      { turn: '3', 'credits burned': '0.004' },
    ]);
    const long = readChart(await renderChart(creditsByTurnChart(Array.from({ length: 150 }, (_, index) => spend(index + 1, 0.001 * ((index % 7) + 1))))));
    const bars = long.marks.filter((mark) => mark.kind === 'bar');
    expect([bars.length, bars[0]?.values.turn, bars.at(-1)?.values.turn]).toEqual([100, '51', '150']);
    expect(long.title).toBe('Credits burned per turn');
    expect(await renderChart(creditsByTurnChart(Array.from({ length: 150 }, (_, index) => spend(index + 1, 0.001))))).toContain('>the latest 100 turns</text>');
    // Not every turn's number fits under its bar: some are shown, evenly, beginning with the first turn shown.
    const labelled = long.axes.x?.ticks.map((tick) => Number(tick.label)) ?? [];
    expect(labelled.length).toBeGreaterThan(5);
    expect(labelled.length).toBeLessThan(30);
    expect(labelled[0]).toBe(51);
    expect(new Set(labelled.slice(1).map((turn, index) => turn - (labelled[index] ?? 0))).size).toBe(1);
    const empty = readChart(await renderChart(creditsByTurnChart([])));
    expect(empty.marks.filter((mark) => mark.kind === 'bar')).toEqual([]);
    expect(empty.axes.y?.title).toBe('credits burned');
    for (const entry of ['web/server.js', 'cli/commands/serve.js']) {
      const packages = [...staticPackages(join(REPO_ROOT, 'dist', entry))];
      expect(packages.filter((name) => name.startsWith('vega'))).toEqual([]);
    }
  });
});
