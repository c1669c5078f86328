import { yaml } from '../../lazy-modules.js';

/** A new agent's edges, and its manager's edges back to it. */
export interface ChartAddition {
  name: string;
  reportsTo: string;
  sendTo: string[];
  readFrom: string[];
}

/**
 * Add an agent to chart.yaml's text, keeping the comments and the order a person
 * wrote: the agent goes at the end, and its manager gains it in `send_to` and
 * `read_from` (unless the manager's list is `"*"` or already names it). An agent
 * already in the chart is left as it is. Pure: text in, text out.
 */
export function addAgentToChart(text: string, addition: ChartAddition): string {
  const { Document, isMap, isSeq, YAMLSeq } = yaml();
  const document = yaml().parseDocument(text);
  const agents = document.get('agents');
  if (!isMap(agents)) throw new Error('org/chart.yaml has no `agents:` map');
  if (agents.has(addition.name)) return text;
  const entry = new Document({ reports_to: addition.reportsTo, send_to: addition.sendTo, read_from: addition.readFrom }).contents;
  if (entry && 'items' in entry) {
    for (const pair of (entry as { items: Array<{ value: unknown }> }).items) {
      if (isSeq(pair.value)) (pair.value as InstanceType<typeof YAMLSeq>).flow = true;
    }
  }
  agents.set(addition.name, entry);
  const manager = agents.get(addition.reportsTo);
  if (isMap(manager)) {
    for (const field of ['send_to', 'read_from']) {
      const list = manager.get(field);
      if (isSeq(list)) {
        const names = list.items.map((item) => String((item as { value?: unknown }).value ?? item));
        if (!names.includes('*') && !names.includes(addition.name)) list.add(addition.name);
      } else if (list === undefined) {
        manager.set(field, document.createNode([addition.name], { flow: true }));
      }
    }
  }
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * Remove an agent from chart.yaml's text, and every mention of it in others' lists, keeping comments
 * and order. Those who reported to it report to its own manager (`null` when it had none): a chart
 * whose `reports_to` names an agent that is gone is warned of by every command after. Pure.
 */
export function removeAgentFromChart(text: string, name: string): string {
  const { isMap } = yaml();
  const document = yaml().parseDocument(text);
  const agents = document.get('agents');
  if (!isMap(agents)) throw new Error('org/chart.yaml has no `agents:` map');
  const leaving = agents.get(name);
  const above = isMap(leaving) ? (leaving.get('reports_to') ?? null) : null;
  agents.delete(name);
  for (const pair of agents.items) {
    if (!isMap(pair.value)) continue;
    withoutName(pair.value, ['send_to', 'read_from'], name);
    if (pair.value.get('reports_to') === name) pair.value.set('reports_to', above);
  }
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * Take `name` out of the lists a YAML file's top-level `fields` hold (a mailing list's `members`, a
 * meeting's `attendees`): the new text and the fields it was taken out of; the text unchanged, and
 * no field, when none named it. Only those lists' text changes, every other byte is kept (comments,
 * spacing, order): a flow list `[a, b]` is written again from its remaining items, a block list
 * loses the lines of the items taken out. Pure.
 */
export function removeNameFromFields(text: string, fields: readonly string[], name: string): { text: string; fields: string[] } {
  const { isMap, isSeq } = yaml();
  const document = yaml().parseDocument(text);
  const contents = document.contents;
  // A file that does not parse is left for a person (validate names its problem).
  if (document.errors.length > 0 || !isMap(contents)) return { text, fields: [] };
  const edits: Array<{ from: number; to: number; text: string }> = [];
  const removed: string[] = [];
  for (const field of fields) {
    const list = contents.get(field, true);
    if (!isSeq(list) || !list.range) continue;
    const items = list.items as Array<{ value?: unknown; range?: [number, number, number] }>;
    const named = (item: { value?: unknown }): boolean => String(item.value ?? item) === name;
    if (!items.some(named) || items.some((item) => !item.range)) continue;
    removed.push(field);
    if (list.flow) {
      const kept = items.filter((item) => !named(item)).map((item) => text.slice(item.range?.[0], item.range?.[1]));
      edits.push({ from: list.range[0], to: list.range[1], text: `[${kept.join(', ')}]` });
      continue;
    }
    for (const item of items.filter(named)) {
      const [start, end] = item.range as [number, number, number];
      const lineEnd = text.indexOf('\n', end);
      edits.push({ from: text.lastIndexOf('\n', start - 1) + 1, to: lineEnd === -1 ? text.length : lineEnd + 1, text: '' });
    }
  }
  let edited = text;
  for (const edit of edits.sort((left, right) => right.from - left.from)) edited = edited.slice(0, edit.from) + edit.text + edited.slice(edit.to);
  return { text: edited, fields: removed };
}

/** Take `name` out of each list `fields` of a YAML map; the fields that named it. */
function withoutName(map: { get(key: string): unknown }, fields: readonly string[], name: string): string[] {
  const { isSeq } = yaml();
  const removed: string[] = [];
  for (const field of fields) {
    const list = map.get(field);
    if (!isSeq(list)) continue;
    const kept = list.items.filter((item) => String((item as { value?: unknown }).value ?? item) !== name);
    if (kept.length === list.items.length) continue;
    list.items = kept;
    removed.push(field);
  }
  return removed;
}
