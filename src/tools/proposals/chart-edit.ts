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

/** Remove an agent from chart.yaml's text, and every mention of it in others' lists, keeping comments and order. Pure. */
export function removeAgentFromChart(text: string, name: string): string {
  const { isMap, isSeq } = yaml();
  const document = yaml().parseDocument(text);
  const agents = document.get('agents');
  if (!isMap(agents)) throw new Error('org/chart.yaml has no `agents:` map');
  agents.delete(name);
  for (const pair of agents.items) {
    const entry = pair.value;
    if (!isMap(entry)) continue;
    for (const field of ['send_to', 'read_from']) {
      const list = entry.get(field);
      if (!isSeq(list)) continue;
      list.items = list.items.filter((item) => String((item as { value?: unknown }).value ?? item) !== name);
    }
  }
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}
