import { nameRecord } from './names.js';
import type { Agent, Audience, Org } from './org.js';

type StoredAudience = '*' | string[];
type StoredAgent = Omit<Agent, 'sendTo' | 'readFrom'> & { sendTo: StoredAudience; readFrom: StoredAudience };

/** What fetch_url may reach in an org kept before `web` existed: nothing. */
const NO_WEB: Org['web'] = { allow: [], max_bytes: 2 * 1024 * 1024, timeout_ms: 20_000 };

/** An org as JSON keeps it: audiences as lists, agents in name order, without its root (a moved org keeps its files). */
export interface StoredOrg {
  name: string;
  settings: Org['settings'];
  models: Org['models'];
  agents: StoredAgent[];
  mcpServers?: Org['mcpServers'];
  needsApproval?: Org['needsApproval'];
  commandTools?: Org['commandTools'];
  web?: Org['web'];
  notify?: Org['notify'];
  outsideSeats?: Org['outsideSeats'];
}

function storeAudience(audience: Audience): StoredAudience {
  return audience === '*' ? '*' : [...audience];
}

function restoreAudience(audience: StoredAudience): Audience {
  return audience === '*' ? '*' : new Set(audience);
}

/** The org as JSON can keep it. Pure. */
export function storeOrg(org: Org): StoredOrg {
  return {
    name: org.name,
    settings: org.settings,
    models: org.models,
    mcpServers: org.mcpServers,
    needsApproval: org.needsApproval,
    commandTools: org.commandTools,
    web: org.web,
    ...(org.notify && org.notify.length > 0 ? { notify: org.notify } : {}),
    ...(org.outsideSeats && org.outsideSeats.length > 0 ? { outsideSeats: org.outsideSeats } : {}),
    agents: [...org.agents.values()].map((agent) => ({ ...agent, sendTo: storeAudience(agent.sendTo), readFrom: storeAudience(agent.readFrom) })),
  };
}

/** Each org's JSON, made once: the settled org (org/state/cache/settled-org.json) and the planned one (planned-org.json) keep the same org object. */
const texts = new WeakMap<Org, string>();

/** `storeOrg(org)` as JSON text, made once per org object. */
export function storedOrgText(org: Org): string {
  let text = texts.get(org);
  if (text === undefined) {
    text = JSON.stringify(storeOrg(org));
    texts.set(org, text);
  }
  return text;
}

/** The org `storeOrg` kept, at `root`. Takes `stored` over: its agents become the org's (no copy of 10,000 agents). */
export function restoreOrg(stored: StoredOrg, root: string): Org {
  const agents = new Map<string, Agent>();
  for (const agent of stored.agents) {
    const restored = agent as unknown as Agent;
    restored.sendTo = restoreAudience(agent.sendTo);
    restored.readFrom = restoreAudience(agent.readFrom);
    agents.set(agent.name, restored);
  }
  return {
    root,
    name: stored.name,
    settings: stored.settings,
    // Read back from JSON: records keyed by names get no prototype again (see names.ts).
    models: nameRecord(stored.models),
    agents,
    mcpServers: nameRecord(stored.mcpServers),
    needsApproval: stored.needsApproval ?? [],
    commandTools: nameRecord(stored.commandTools),
    web: stored.web ?? NO_WEB,
    ...(stored.notify ? { notify: stored.notify } : {}),
    ...(stored.outsideSeats ? { outsideSeats: stored.outsideSeats } : {}),
  };
}
