import { MAX_ORG_YAML_BYTES } from '../editable/edited-file.js';
import { EXIT, formatProblem, LemmingError } from '../errors.js';
import { formatCount } from '../format/format.js';
import { HUMAN } from '../org/names.js';
import { groupsOf, teamsOf } from './arrange-people.js';
import { chartEntryBytes, chartHeadBytes, chartHeader, type NameListSize } from './population-files.js';
import type { PopulationSpec } from './population-types.js';
import type { Person } from './sample-people.js';

/**
 * The bytes of a population's org/chart.yaml, counted from its structure before the people are
 * arranged (so a spec whose chart the loader would refuse never builds its lists of teammates):
 * the same groups and teams arrangePeople makes (groupsOf, teamsOf), each entry's bytes as
 * chartText writes them (chartEntryBytes). A chart past MAX_ORG_YAML_BYTES, the most the loader
 * reads of it, is refused naming the spec's field and what would fit. Pure.
 */

type Structure = PopulationSpec['structure'];

/** The chart's bytes for `people` arranged by `structure`. */
export function populationChartBytes(spec: Pick<PopulationSpec, 'file' | 'seed' | 'attributes'>, structure: Structure, people: readonly Person[]): number {
  const width = `agent_${'0'.repeat(Math.max(5, String(people.length).length))}`.length;
  // A list of `agents` agent names, and the human's when `human`.
  const list = (agents: number, human = false): NameListSize => ({ count: agents + (human ? 1 : 0), chars: agents * width + (human ? HUMAN.length : 0) });
  const { departments, teamSize, peers } = structure;
  let bytes = 0;
  let top = 0;
  for (const group of groupsOf({ structure, attributes: spec.attributes }, people)) {
    const headed = departments !== undefined;
    const rest = headed ? group.length - 1 : group.length;
    const manager = headed ? width : HUMAN.length;
    const teams = teamSize === undefined ? [] : teamsOf(rest, teamSize);
    if (headed) {
      top += 1;
      bytes += chartEntryBytes(width, HUMAN.length, list(teamSize === undefined ? rest : teams.length, true));
    }
    if (teamSize === undefined) {
      if (!headed) top += rest;
      bytes += rest * chartEntryBytes(width, manager, list(headed ? 1 : 0, !headed));
      continue;
    }
    for (const size of teams) {
      if (!headed) top += 1;
      bytes += chartEntryBytes(width, manager, list(size - 1 + (headed ? 1 : 0), !headed));
      bytes += (size - 1) * chartEntryBytes(width, width, list(1 + (peers ? size - 2 : 0)));
    }
  }
  return bytes + chartHeadBytes(chartHeader(spec), list(top));
}

/** The largest team size below `from` whose chart fits, with peers; undefined when none does. */
function largestTeamThatFits(spec: PopulationSpec, people: readonly Person[], from: number): number | undefined {
  let low = 1;
  let high = from - 1;
  const fits = (teamSize: number): boolean => populationChartBytes(spec, { ...spec.structure, teamSize, peers: true }, people) <= MAX_ORG_YAML_BYTES;
  if (high < 1 || !fits(1)) return undefined;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Refuse, before anything is arranged or written, a population whose chart the loader would refuse; exit 2 naming the field and what fits. */
export function refuseOversizedChart(spec: PopulationSpec, people: readonly Person[]): void {
  const bytes = populationChartBytes(spec, spec.structure, people);
  if (bytes <= MAX_ORG_YAML_BYTES) return;
  const limit = `lemming reads at most ${formatCount(MAX_ORG_YAML_BYTES)} bytes of it`;
  const { teamSize, peers } = spec.structure;
  if (teamSize !== undefined && peers) {
    const fitting = largestTeamThatFits(spec, people, teamSize);
    const unpaired = populationChartBytes(spec, { ...spec.structure, peers: false }, people) <= MAX_ORG_YAML_BYTES;
    const ways = [fitting === undefined ? '' : `team_size: ${fitting} fits`, unpaired ? 'peers: false' : ''].filter((way) => way !== '');
    const message = `org/chart.yaml would be ${formatCount(bytes)} bytes (teams of up to ${formatCount(teamSize)} whose members, with peers: true, each list the whole team); ${limit}: ${ways.length > 0 ? ways.join(', or ') : 'a smaller size'}`;
    throw new LemmingError('population-too-large', formatProblem({ file: spec.file, field: 'structure.team_size', message, severity: 'error' }), { exitCode: EXIT.usage });
  }
  throw new LemmingError('population-too-large', formatProblem({ file: spec.file, field: 'size', message: `org/chart.yaml would be ${formatCount(bytes)} bytes; ${limit}: a smaller size`, severity: 'error' }), { exitCode: EXIT.usage });
}
