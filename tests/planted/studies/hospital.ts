import type { PlantedActivationRule, PlantedAgent, PlantedSend, PlantedStudy } from '../plan.js';

/**
 * A hospital of 26 people made by `lemming populate` from HOSPITAL_SPEC: two departments (ward, lab),
 * each a head over two teams of a lead and five nurses, every seat the scripted seat (the spec's roles
 * name the model `seat`, which the template's org.yaml registers). Its plan is made from the org as
 * populated (populated-org.ts reads the chart and resumes), since the names are populate's to give.
 * After populate the user edits two files: the two heads may write to each other (chart.yaml), and
 * activation rules by role (org.yaml). What happens, turn by turn:
 * - turn 0: the human writes to each head;
 * - turn 1: the ward's head writes to its two leads at once (a `to:` list) and to the lab's head; the
 *   lab's head writes to each of its leads and to the ward's head with its first lead copied;
 * - turn 2: each lead answers its head with its first nurse copied, then hands the task to each of its
 *   five nurses: six sends, one past the template's cap of 5; populate set the cap to the most people
 *   one agent of its chart may write to (a lead: its head and five nurses, 6), so none is refused;
 * - turn 3: the ward's head answers the human; nurses 1 to 4 of each ward team answer their lead, the
 *   first of team 1 writes to a teammate too, the first of team 2 to the lab's head, whom the chart
 *   does not let it reach (refused: the chart); the lab's nurses are drawn at most 4 a turn (activation:
 *   `role: member, department: lab`), and keep notes whenever drawn, so which are drawn changes no figure;
 * - turn 4: the ward's first lead writes to its head; turn 5: the head answers the human, that lead copied.
 * Nurse 5 of each ward team has nothing scripted: with the template's cap it is never reached (the
 * experiment's second variant), and the plan stays one a run can play.
 */
export const HOSPITAL_SPEC = `# hospital.yaml: 26 people in two departments, in teams of a lead and five nurses.
name: hospital
seed: 5
size: 26
attributes:
  department:
    shares: { ward: 0.5, lab: 0.5 }
structure:
  departments: department
  team_size: 5
  peers: true
roles:
  head: { title: "Head of {department}", model: seat, credits: 10, tools: [send_message, remember] }
  lead: { title: "Team lead: runs team {team} of {department}", model: seat, credits: 10, tools: [send_message, remember] }
  member: { title: "Nurse in {department}", model: seat, credits: 10, tools: [send_message, remember] }
persona: You are {name}, of {department}.
`;

/** The rules the user adds to org.yaml after populate: by the role populate wrote, the lab's nurses at most 4 a turn. */
export const HOSPITAL_ACTIVATION: PlantedActivationRule[] = [{ role: 'head' }, { role: 'lead' }, { role: 'member', department: 'lab', atMost: 4 }, { role: 'member' }];

/** What the human writes to each head before turn 1. */
export const HOSPITAL_OPENING = 'The inspectors come on Friday: get your department ready.';

/**
 * A "real" network of twelve people in the hospital's two departments (a SNAP edge list and its
 * labels), for `analyze --reference` to measure the run's network beside: the run's reciprocity and
 * share inside departments are what is held, whatever this network's are.
 */
export const HOSPITAL_REFERENCE = {
  edges: ['# FromNodeId ToNodeId', '0 1', '1 0', '1 2', '2 3', '3 1', '4 5', '5 4', '5 6', '6 7', '7 4', '2 6', '8 9', '9 10', '10 11', '11 8', ''].join('\n'),
  labels: ['0 ward', '1 ward', '2 ward', '3 ward', '4 lab', '5 lab', '6 lab', '7 lab', '8 ward', '9 ward', '10 lab', '11 lab', ''].join('\n'),
};

/** The template's per-turn cap (the software-team template's `max_messages_per_turn: 5`), which populate raises. */
export const TEMPLATE_CAP = 5;

/** What the seat's registry entry charges a call (its tokens priced at 0), and the usage it reports for each. */
/** Its counts are ones a model would report for these prompts and answers: at or above the usage gate's floor (1 token for every 8 of lemming's estimate). */
export const HOSPITAL_SEAT = { pricePerCall: 0.25, usage: { input_tokens: 4000, output_tokens: 400 } };

const byName = (left: PlantedAgent, right: PlantedAgent): number => (left.name < right.name ? -1 : 1);

/**
 * The hospital's study on the org as populated (`agents`: read from its chart and resumes, the heads'
 * edit included), run with the per-turn cap `cap`: the script above, by role and place, not by name.
 */
export function hospitalStudy(agents: readonly PlantedAgent[], cap: number): PlantedStudy {
  const head = (department: string): PlantedAgent => {
    const found = agents.find((agent) => agent.role === 'head' && agent.department === department);
    if (!found) throw new Error(`the populated hospital has no head of ${department}`);
    return found;
  };
  const reports = (manager: PlantedAgent, role: string): PlantedAgent[] => agents.filter((agent) => agent.reportsTo === manager.name && agent.role === role).sort(byName);
  const ward = head('ward');
  const lab = head('lab');
  const wardLeads = reports(ward, 'lead');
  const labLeads = reports(lab, 'lead');
  const to = (...names: string[]): PlantedSend => ({ to: names });
  const script: PlantedStudy['script'] = { 1: {}, 2: {}, 3: {}, 4: {}, 5: {} };
  const [wardLead] = wardLeads;
  const [labLead] = labLeads;
  if (!wardLead || !labLead) throw new Error('the populated hospital has fewer leads than its spec makes');
  script[1] = {
    [ward.name]: { send: [to(...wardLeads.map((lead) => lead.name)), to(lab.name)] },
    [lab.name]: { send: [...labLeads.map((lead) => to(lead.name)), { to: [ward.name], cc: [labLead.name] }] },
  };
  for (const lead of [...wardLeads, ...labLeads]) {
    const nurses = reports(lead, 'member');
    (script[2] as Record<string, { send: PlantedSend[] }>)[lead.name] = { send: [{ to: [lead.reportsTo], cc: [nurses[0]?.name ?? ''] }, ...nurses.map((nurse) => to(nurse.name))] };
  }
  script[3] = { [ward.name]: { send: [to('human')] } };
  wardLeads.forEach((lead, team) => {
    const nurses = reports(lead, 'member');
    nurses.slice(0, 4).forEach((nurse, index) => {
      const extra = index > 0 ? [] : team === 0 ? [to(nurses[1]?.name ?? '')] : [to(lab.name)];
      (script[3] as Record<string, { send: PlantedSend[] }>)[nurse.name] = { send: [to(lead.name), ...extra] };
    });
  });
  script[4] = { [wardLead.name]: { send: [to(ward.name)] } };
  script[5] = { [ward.name]: { send: [{ to: ['human'], cc: [wardLead.name] }] } };
  return {
    name: 'hospital',
    agents: [...agents],
    lists: [],
    meetings: [],
    opening: [ward, lab].map((each) => ({ to: [each.name], body: HOSPITAL_OPENING })),
    cap,
    pricePerCall: HOSPITAL_SEAT.pricePerCall,
    usage: HOSPITAL_SEAT.usage,
    activation: HOSPITAL_ACTIVATION,
    ceilings: {},
    turns: 6,
    script,
  };
}
