/*
 * What made a report (its `provenance`): types only, importing nothing, so the dashboard's browser
 * app compiles against them as it does against an analysis. report-provenance.ts builds and renders one.
 */

/** One registry entry that answered for some of the report's agents, as its calls were sent. */
export interface ModelProvenance {
  /** The key of org/org.yaml `models` the calls went to. */
  entry: string;
  /** Who answered: `offline`, `openai`, `anthropic`, `openai-compatible`, `command`, `http`. */
  provider: string;
  /** The entry's `model`: the vendor's name, or what an outside agent is told. */
  model: string;
  /** The temperature sent: lemming sends none, so it is each provider's default (the offline model has no temperature). */
  temperature: string;
  /** The seeds sent, each repeat's own (an experiment sets one a repeat); empty when none is sent. */
  seeds: number[];
  /** The seeds in words: sent, not sent (the provider takes none, or the entry gives none), or of no effect (the offline model at variability 0). */
  seed: string;
  /** `offline: rules, not people` for the offline model: its answers say what its rules do. */
  note?: string;
  /** Who the report holds answers of from this entry, in name order: agents, and in an experiment its judges (`the judge (score)`, `the persona judge (adherence)`). */
  agents: string[];
}

/** One engine setting a report's figures depend on: its value, and whether it is org.yaml's own or the default. */
export interface SettingUse {
  /** Where it is set: `engine.max_messages_per_turn`, or the experiment file's `turns`. */
  setting: string;
  /** The variants it holds for (an experiment's variant may change a setting); absent: the org's one value. */
  variants?: string[];
  value: string;
  /** True when the value is the default's (whether or not a file says it). */
  isDefault: boolean;
  /** What set it: `org/org.yaml`, the experiment's file, or `the default` when nothing did. */
  source: string;
}

/** What made a report: lemming's version, the model of each agent that answered, the data's caveats and the settings its figures depend on. */
export interface Provenance {
  /** lemming's version (package.json). */
  lemming: string;
  models: ModelProvenance[];
  /** What the figures cannot support, from the data (a reference's resample, its effective size) and the run. */
  caveats: string[];
  settings?: SettingUse[];
}
