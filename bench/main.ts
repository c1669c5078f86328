import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { cleanUp, makeContext, repo, type BenchContext } from './context.js';
import { mergeSection, renderMarkdown } from './report.js';
import type { Row, SectionResult } from './row.js';
import { historyFlatness, type KeptOrg } from './sections/history.js';
import { keptHistory } from './sections/kept-history.js';
import { longRun, TURNS_PER_RUN } from './sections/long-run.js';
import { dashboard } from './sections/dashboard.js';
import { busyDashboard } from './sections/busy-dashboard.js';
import { idleCost } from './sections/idle-cost.js';
import { latencyHiding } from './sections/latency.js';
import { offlineModel } from './sections/offline-model.js';
import { queueWorkers } from './sections/queue-workers.js';
import { startUp } from './sections/startup.js';
import { firstFrame } from './sections/first-frame.js';
import { steadyTurns } from './sections/steady-turns.js';
import { listTurns } from './sections/list-turns.js';
import { toolSteps } from './sections/tool-steps.js';
import { commandStep } from './sections/command-step.js';
import { promptCache } from './sections/prompt-cache.js';
import { scale } from './sections/scale.js';
import { activation } from './sections/activation.js';
import { walkedWorkspaces } from './sections/walked-workspaces.js';
import { populate } from './sections/populate.js';
import { sendAndDryRun } from './sections/send-and-dry-run.js';
import { memory } from './sections/memory.js';
import { memoryCeiling } from './sections/memory-ceiling.js';
import { locomo } from './sections/locomo.js';
import { referenceNetwork } from './sections/reference-network.js';
import { referenceScale } from './sections/reference-scale.js';
import { validationCommands } from './sections/validation-commands.js';
import { peers } from './sections/peers.js';
import { blame } from './sections/blame.js';
import { blameLoop } from './sections/blame-loop.js';
import { peopleCoverage } from './sections/people-coverage.js';
import { calibrationCoverage } from './sections/calibration-coverage.js';
import { measureCoverage } from './sections/measure-coverage.js';
import { blameFaults } from './sections/blame-faults.js';
import { planted } from './sections/planted.js';
import { blameInjected, RUNS } from './sections/blame-injected.js';

/** One section of the benchmark. To add one, write a function that returns rows and list it below. */
interface Section {
  /** What `--only <id>` picks it by. */
  id: string;
  title: string;
  about: string;
  /** Run in `--quick` mode too. */
  quick: boolean;
  run(context: BenchContext): Row[] | Promise<Row[]>;
}

let kept: KeptOrg | undefined;
const sections: Section[] = [
  {
    id: 'steady-turns',
    title: 'Engine overhead: one turn, every agent with mail, an instant model',
    about:
      'Each org runs its first turn ever in one process, then its turns in a fresh process, as a `run-once` or a new `run` takes up an org in use: that process\'s first turn (which also compiles the code, builds every prompt\'s static part and reads each waiting message from its file) apart from its steady turns (median after warm-up: 10 turns, then 9 measured; 2 and 3 from 5,000 agents, 5,000 on the RAM disk only). Up to 1,000 agents, three such processes run one after the other: the first-turn row is the median of their three first turns, the steady row the median of all their measured turns, and opening the engine and the peak RSS are their medians. The floor: the same storage, in the same run, writing one small file (temporary file, then rename) in each of N folders plus one stat of each folder, with no engine. From 1,000 agents on the RAM disk, a second floor: the file operations the engine itself makes in a steady turn for each agent (14 system calls against the first floor\'s 5; `bench/record-floor.ts`), done by plain Node with no engine, so the rest of the turn is the engine\'s code.',
    quick: true,
    run: steadyTurns,
  },
  {
    id: 'list-turns',
    title: 'Mailing lists: a turn where every agent posts to its list',
    about:
      'Every agent has mail and answers with one post to its list of ten (org/lists/, each post read by the nine other members: 9N deliveries a turn), against the same org where each writes one message to the next agent (N deliveries), both run in this section one after the other on the first storage; median of the turns after warm-up (5 and 9 at 1,000 agents, 2 and 3 at 10,000), each org in a fresh process.',
    quick: false,
    run: listTurns,
  },
  {
    id: 'history',
    title: 'History flatness: old messages must not slow a turn',
    about: 'Turns of an org with no history and of one with H old messages, taken in alternation in one process, compared by median (the first turn of each left out; 9 turns each, 3 at 10,000 agents). Orgs with history are written directly, without the engine.',
    quick: true,
    run: (context) => historyFlatness(context, (org) => (kept = org)),
  },
  {
    id: 'startup',
    title: 'Start-up of the built CLI',
    about: 'Wall time of whole processes (7 runs). `node -e 0` is Node itself; `run-once` on a folder that does not exist is Node with the modules a turn uses loaded and nothing else; the floor of `run-once` is Node doing the same file work on a fresh copy of the same org with no module of lemming\'s (`bench/read-org-floor.ts`); the floor of `status` is Node making the reads `status` makes, with no module of lemming\'s (`bench/status-floor.ts`), in alternation with it.',
    quick: true,
    run: (context) => startUp(context, kept),
  },
  {
    id: 'first-frame',
    title: 'The live screens: first line and first frame',
    about:
      "`lemming run --paused` and `lemming chat` on the default org with one message waiting, each started 5 times in a pseudo-terminal of 80 × 24 (util-linux `script`), in alternation with `lemming --version`; timed from the start of `node` to the first byte on the terminal (the line that says the screen is starting, printed before ink and React load) and to the first frame (the run screen's key hints, chat's header). On the first storage.",
    quick: true,
    run: firstFrame,
  },
  {
    id: 'kept-history',
    title: "Keeping the org's history: every committed turn recorded in org/state/history.git",
    about:
      "A steady turn of an org that keeps its history (`history: { keep: true }`) against the same org that does not, every agent with mail and an instant model, compared by median. Each org runs `lemming run`s of 4 turns in one process, the two orgs' runs taken in alternation (1 warm-up run each, then 6 measured at 200 agents, 4 at 1,000); a steady turn is a run's time over its 4 turns. So each figure holds its run's look for hand edits before the first turn and the wait for its last entry after the last turn: no git work of one org runs in the other's time. The same over a long run at 200 agents (25 runs of 4 turns, alternated; the median of the last 5 runs, turns 81 to 100), where the files a turn appends to have grown. The same at 200 agents with a model that answers each call in 200 ms (concurrency 8; 1 warm-up run and 3 measured, of 2 turns each), as a served model at its quickest. Then the history's disk use after a run of 100 turns at 200 agents against the org's own files, also after `git gc`; and `lemming fork` of the 1,000-agent org at its last turn (the whole process, 3 runs).",
    quick: false,
    run: keptHistory,
  },
  {
    id: 'long-run',
    title: 'A long run: 1,000 turns, every agent busy, the history kept',
    about:
      "Issue 76. The same org built twice at 200 and at 1,000 agents, every agent with mail every turn (an instant model: each agent passes work to the next), once with no history and once keeping it (`history: { keep: true }`); 1,000 turns each (`--long-run 200x1000,1000x100` sets other sizes), in runs of 4 turns (`200x400/40`: of 40, a row of its own) whose two orgs are alternated in one process, so whatever else the machine does weighs on both alike; a turn is a run's time over its turns, so each holds its run's look for hand edits and its wait for git's last entry. A turn at turns 21 to 40 (the median of those 5 runs) against one at the last 20, with the history and without; then, after the run, the history's store (`du` of org/state/history.git) beside the org's own files (`du` of the rest). On the first storage.",
    quick: false,
    run: (context) => longRunSizes.flatMap((size) => longRun(context, size[0] as number, size[1] as number, size[2] as number)),
  },
  {
    id: 'walked-workspaces',
    title: 'What agents wrote, walked: a workspace of 100,000 files',
    about:
      "The one bounded walker every reader of a workspace goes through (src/sandbox/beneath/walk-beneath.ts), where a workspace is largest: the disk quota's measurement of 100,000 entries (1,000 folders of 99 files, the default max_files), 7 times, against plain Node listing and lstat-ing the same by path; a run_command step of one agent whose workspace holds them, against one whose workspace is nearly empty (turns alternated in one process, 7 after 2); and a steady turn of 20 agents that keep their history, one of whose workspaces holds them untouched, against the same org without (runs of 4 turns alternated, 4 after 1). On the first storage.",
    quick: false,
    run: walkedWorkspaces,
  },
  {
    id: 'memory',
    title: "Memory streams: each agent's memories retrieved into its prompts",
    about:
      'On the first storage (docs/memory.md). 20 agents with 500 memories each (`memory: { keep: true }`, the default budget of 800 tokens): the tokens a prompt\'s memories take and the prompt with and without them (lemming\'s estimate, 4 characters a token), and retrieval in a fresh process: its first for each agent from the files (the index then saved in org/state/cache/memory/), its first in a second process from that saved index (no memory file read while the folder\'s time holds), and later ones for other mail (median over agents and calls), and one for a prompt of twenty messages (a ranking each, merged). Then a steady turn with memory against one without at 1,000 and 10,000 agents (1,000 only in `--quick`), every agent with mail and an instant model, each agent\'s stream started with 20 memories; the two orgs\' turns taken in alternation in one process (1 warm-up, 3 measured).',
    quick: true,
    run: memory,
  },
  {
    id: 'memory-ceiling',
    title: 'Memory at its ceiling: what a memory costs a turn and the disk',
    about:
      "On the disk (docs/memory.md). Orgs whose every agent's stream is full at `memory.max_memories` (1,000 agents × 100 and × 500 memories, 10,000 × 50; 1,000 × 100 only in `--quick`), every agent with mail and an instant model, so each call retrieves, writes two memories and consolidates its oldest. The memory files' bytes (as written, and as the file system allocates them), a later retrieval's time per 100 memories (median of 20 agents, their index in the process), the first turn of a fresh process (every stream read from its files), and steady turns against the same org without memory, the two orgs' turns taken in alternation in one process (1 warm-up, 3 measured). BM25 alone: a run with `memory.embeddings` adds a vector file a memory and the embedding server's time (docs/memory.md).",
    quick: true,
    run: memoryCeiling,
  },
  {
    id: 'locomo',
    title: 'Memory on a public benchmark: LoCoMo, evidence recall@k',
    about:
      "LoCoMo (Maharana et al., ACL 2024; github.com/snap-research/locomo): ten very long conversations, each fed to one agent as its mail, a session a turn in the order they were held, the memories written as the engine writes those of mail read (importance by its rule). Each question whose evidence is annotated is asked as a prompt in the turn after the last session would ask it, through the memory layer's own retrieval (no earlier recall counted), and the share of its evidence turns among the first k memories is its recall@k; the mean over questions, with a 95% interval from a bootstrap over conversations. Measured: relevance alone (BM25) and Park's ranking by category, the paper's own dialogue-turn figures beside them (quoted from its Table 3: a dense retriever, DRAGON, over the same unit); each part of Park's ranking taken out and alone; the question beside two long reports (the summaries of the conversation's two latest sessions, which the data holds), ranked once for the words of all three and a ranking each merged in rounds; and relevance by the words and a vector, through the embedding server LEMMING_EMBEDDINGS_URL and LEMMING_EMBEDDINGS_MODEL name or else a local stand-in (a hashed bag of words served as /v1/embeddings, no model). Differences are paired question by question. Reads a copy the person fetched (LEMMING_LOCOMO, or bench/.work/locomo/: locomo10.json or the zip's locomo10_v2/); skipped, saying how to fetch it, when there is none: lemming ships none of it.",
    quick: false,
    run: locomo,
  },
  {
    id: 'blame',
    title: 'Blame: what a candidate step costs',
    about: 'The default org on the offline model (seed 10, variability 0.5) keeping its history, run to idle: its manager hands the task to the janitor and the answer fails the check `tested` (docs/validation.md). `blameRun` with k = 3 and no controls (`controls: 0`: a control costs what a fork does), one fork at a time, on the first storage: each step\'s forks made from the history, run to the end and checked; the turns before a step copied, not run.',
    quick: true,
    run: blame,
  },
  {
    id: 'blame-loop',
    title: "Blame's spending when a changed call starts a loop: against its estimate, its worst case and a ceiling",
    about:
      "On the first storage, in this process. The hand-off org: two agents on a stand-in model (bench/bench-providers.ts, HandOffLoopProvider: every call 3,600 tokens in and 100 out at 100 credits a million; the registry allows 4,000 and 400, no retries, one step a call); under the run's seed a answers the human at once (1 call), and any other seed of a's call hands the work to b and the two hand it back and forth until the turn cap. Its run by hand is bounded by engine.max_turns 20. `blameRun` with k = 6 and no controls (`controls: 0`), one fork at a time: once with the default ceiling (the plan's worst case), once with `maxCredits: 30`. Then the default org on the offline model as an experiment's run with `turns: 4` (seed 3, variability 0.5: a chain of one call a turn, busy at its cap; prepared by `prepareRun` and run as the experiment's process runs it, `run --turns 4`), blamed with k = 1 for the check `tested`. Before the fix (issue 60) the forks ran to the org's max_turns after their step and spent without a ceiling.",
    quick: false,
    run: blameLoop,
  },
  {
    id: 'blame-faults',
    title: 'Blame held to known faults: simulated runs, runs with no culprit, and bisection',
    about:
      "Lemming issues 63 and 74. Simulated runs (src/blame/simulated-run.ts: each candidate step a known chance that changing its call makes the run pass, each control a known chance of passing), 200 seeded trials a row, the culprit at a different step each trial: adaptive allocation (`--strategy adaptive`: 3 forks a step first, then the leader and its 4 closest contenders a fork a round until the leader's 95 % interval is above every other step's or the budget of steps × k changed forks is spent; 10 controls for each of the 3 steps ranked first) against per-step at the same budget, and bisection over turns on 40-turn runs against per-step's 480 forks (k = 6 and 6 controls a step). Then runs with no culprit (every fork and control passing at one rate, 50 steps, 200 runs a row): how often the step ranked first is called an effect, the verdict reading p adjusted for the steps tested (Holm's step-down with each step's attainable Fisher p-values, src/statistics/family-wise-error.ts), beside the p alone below 5 % as verdicts were read before. Last, on the first storage, a 40-turn ring of one note (bench/fault-org.ts) with a wrong value at turn 27 blamed per step and by bisection (k = 2, 2 controls).",
    quick: false,
    run: blameFaults,
  },
  {
    id: 'blame-injected',
    title: 'Blame held to faults injected into runs that pass, beside reading the runs\' files',
    about:
      `Lemming issues 63 and 74. On the first storage, in this process: rings (bench/fault-org.ts) of 6 agents handing 3 notes on at once for 4 hops (up to 3 calls a turn, some 12 calls a run), each holder's next agent drawn from its call's seed, that pass without a fault; a fault put at a call drawn at random (seeded) from the calls the fault-free run made, its kind drawn from four (a wrong value written, a note dropped, sent to an agent it is not for, a send the chart refuses). Three kinds of fault, ${RUNS} runs each: one another seed undoes, on a scripted model that repeats a call; one another seed undoes 30 % of the time while every changed call checks each note it passes with chance 10 % (so changing an earlier call, or one after a wrong value, flips forks too; a changed route may also miss the faulty call); and a defect of the agent's model that no seed undoes, blamed with the repair model (\`--model\`) and with other seeds only. Blame is adaptive with 3 controls for the 3 steps it ranks first. On the same runs, what reading the files names: the last agent to act, the first step whose output (messages) differs from a passing repeat (another seed), and the first that differs from the run's fault-free twin (the same seed: a twin exists only where a fault was injected). No judge model reads the trace here (no model is on this machine). Each figure with its Wilson interval over the runs. Who&When's published figures read other systems' real-model logs and are not set among these rows (docs/validation.md).`,
    quick: false,
    run: blameInjected,
  },
  { id: 'latency', title: 'Latency hiding: a model that takes 200 ms per call', about: 'Three turns; every agent with mail.', quick: false, run: latencyHiding },
  { id: 'idle-cost', title: 'Idle cost', about: 'Steady turns (9 after 10 warm-up).', quick: false, run: idleCost },
  {
    id: 'scale',
    title: 'Scale: a big org that is mostly idle',
    about: 'Orgs of 10,000 and 100,000 agents with 1% and 10% of them busy (each busy agent passes work to the next, so the busy window moves by one agent a turn), each beside the same busy agents in an org of their own, one right after the other on the RAM disk. Each org runs its first turn ever in one process, then a fresh process opens the engine, runs its first turn and its steady turns (median of 5 after 2), then `lemming status` runs on it (wall time; peak RSS from GNU time). An org bigger than engine.changes.scan_per_turn (5,000) learns what changed from lemming\'s writers and inotify, and past 20,000 agents or half the inotify watch limit from a scan of 5,000 agents a turn; the engine opens it on its quick key, with no `stat` of each resume, and `status` takes it by that key and `stat`s each resume (on two cores past 20,000 agents), so a hand edit shows (docs/performance.md). The million-agent rows are on paper: the busy agents alone plus the idle agents\' measured cost each, times 999,000.',
    quick: false,
    run: scale,
  },
  {
    id: 'activation',
    title: 'Activation: a population run as a sample a turn',
    about: "100,000 agents (10,000 with --quick), every one with a letter waiting, org.yaml `engine.activation` drawing each to act with probability 1 % a turn, beside an org of 1,000 agents all acting: the same calls a turn, no draw and nobody waiting. Each agent called passes work to the next. Steady turns: median of 5 after 2, in a fresh process on the RAM disk.",
    quick: true,
    run: activation,
  },
  {
    id: 'tool-step',
    title: 'Agents that act: one tool step per agent',
    about: 'Steady turns (15 after 10 warm-up) of 200 agents that all have mail: each writes a file with write_file, gets the result back and then sends, against the same org answering in one step; the two orgs\' turns taken in alternation in one process, on each storage.',
    quick: true,
    run: toolSteps,
  },
  {
    id: 'command-step',
    title: 'Agents that run things: one run_command step next to one read_file step',
    about: 'Steady turns (15 after 5 warm-up) of 4 agents that all have mail: each reads a small file with read_file, or prints it with `cat` through run_command in a fresh bwrap sandbox, gets the result back and then sends; the two orgs\' turns taken in alternation in one process. The floor is Node starting `/bin/true` with no sandbox.',
    quick: true,
    run: commandStep,
  },
  {
    id: 'prompt-cache',
    title: 'Prompt caching: credits with and without cache marks',
    about: 'An org of 4 agents in a ring, each with about 4,000 tokens of unchanging instructions, run 10 turns twice (every agent called at both steps of every turn) against a local server that charges as Anthropic\'s prompt cache does (bench/caching-server.ts: breakpoints, a 1,024-token minimum, 5 minutes, 20 blocks of look-back), once with lemming\'s marks and once with `prompt_cache: false`, at Claude\'s prices (cache reads 0.1×, writes 1.25× of input). Credits, so the figures do not depend on the machine.',
    quick: true,
    run: promptCache,
  },
  {
    id: 'dashboard',
    title: 'The dashboard: N=1,000 agents, H=100,000 messages',
    about: 'In a process of its own (bench/web-bench.ts), on the first storage: the server\'s start until its page answers and until its search index is in, the first page a browser loads, searches and a thread over HTTP, and steady turns with a dashboard and an open event stream on the engine against turns without, in one engine (7 served turns between 14 unserved).',
    quick: false,
    run: dashboard,
  },
  {
    id: 'busy-dashboard',
    title: 'The dashboard while the engine works: N=1,000, every agent called every turn',
    about: 'In a process of its own (bench/busy-dashboard-bench.ts), on the first storage: `lemming run --serve --keep-going` on the offline model, requests to /healthz and /api/status one after another through 7 busy turns, then SIGTERM in a turn.',
    quick: true,
    run: busyDashboard,
  },
  {
    id: 'populate',
    title: 'Populations: `lemming populate` at 10,000 agents',
    about: 'A spec of 10,000 people with three attributes (one a conditional table) in teams of 8, populated by the built CLI into a new folder on each storage (the whole process: sampling, the files through the atomic write layer, and the load that checks the org), 3 runs on the RAM disk and 2 on the disk; the floor is plain Node making the same folders and writing each resume to a temporary file and renaming it. Then each org\'s first `lemming validate` with its parse cache removed, as a copy of it on another machine would be read.',
    // Tens of thousands of files and folders made and removed on each storage: minutes on a slow disk.
    quick: false,
    run: populate,
  },
  {
    id: 'send-and-dry-run',
    title: 'Sends and the dry run in populated orgs: 2,000 and 10,000 agents',
    about: 'On the first storage, each the whole process of the built CLI, 3 runs at 2,000 and 2 at 10,000, each in a newly populated org (everyone under the human): `send` to one agent, `run --dry-run --turns 1` (the turn that delivers it), then `send --where department=sales --where seniority=senior` (8% of the org, a message each).',
    quick: false,
    run: sendAndDryRun,
  },
  {
    id: 'reference-network',
    title: 'A real network: `lemming import-network` and `analyze --reference` at 1,005 agents',
    about: 'On the first storage, each the whole process of the built CLI: `import-network` of the shipped SNAP email-Eu-core (1,005 people, 42 departments; 3 runs, each into a new folder); then the org\'s `network-experiment.yaml` run with 2 repeats on the offline model (once, not a figure to hold), and `analyze --reference` of one run and of both (`--runs`), 3 times each.',
    quick: true,
    run: referenceNetwork,
  },
  {
    id: 'people-coverage',
    title: 'People one by one: how often the intervals of `lemming calibrate --people` hold the truth',
    about: 'A simulated population of 100,000 people whose truth is known (weights of 1 to 10, skewed as the GSS resample\'s copies are; an accuracy that rises with the weight; the person\'s own retest, a second interview, between 0.6 and 1), and 2,000 studies at each size, each drawing its people from it and asking 4 questions of 3 options of each; the accuracy\'s t interval over people, the weighted accuracy\'s t interval by linearisation at the people\'s Kish effective size and the ratio normalised by the people\'s retest by linearisation over people (src/calibrate/individual-statistics.ts, src/statistics/ratio-estimate.ts), each checked against its own truth. No model is called: this is the statistics alone.',
    quick: true,
    run: peopleCoverage,
  },
  {
    id: 'calibration-coverage',
    title: 'Calibration: how often the intervals of `lemming calibrate` hold the truth near it and far from it',
    about: 'At the shipped panel\'s sizes (200 agents populated from data/gss-2018/people.yaml against everyone of respondents.yaml at their effective size, and its smallest group rows, 76 agents), simulators whose answers lie a known 0, 0.02, 0.05 or 0.15 from GSS 2018\'s shares of `grass` (two options) and `happy` (ordered): 500 seeded panels a cell, each compared by src/calibrate/calibration-statistics.ts (1,000 resamples and a 1,000-round test a panel); then the overall line over happy, satfin and grass. No model is called: this is the statistics alone.',
    quick: false,
    run: calibrationCoverage,
  },
  {
    id: 'measure-coverage',
    title: 'Networks and personas: how often the intervals of `analyze --reference` and of an experiment\'s persona measures hold the truth',
    about:
      'Simulated studies whose truth is known, 2,000 for each figure and number of runs, each interval made by the function the report uses (src/reference/compare-reference.ts runsInterval; src/experiment/personas/persona-estimates.ts). Networks: runs of the directed random graph G(30, p) in two departments, each run\'s p = 0.2 moved by up to 75 % of itself (src/reference/random-networks.ts), the truth each measure\'s expectation over runs (closed forms; the out-degree KS statistic against a fixed G(30, 0.2), from 20,000 runs). Personas (src/statistics/simulated-studies.ts): 9 agents writing one scored message a turn for 4 turns, score = 7 + the agent\'s own level (sd 1) + the run\'s (sd 0.8) + (−0.1 + the agent\'s drift (sd 0.2) + the run\'s (sd 0.5)) × turn + noise (sd 1.5), the truth the org\'s agents\' expectation (or, where said, a population\'s); self-consistency: 9 people, each keeping an answer with a chance of their own, the truth the population\'s mean. No model is called: this is the statistics alone.',
    quick: true,
    run: measureCoverage,
  },
  {
    id: 'reference-scale',
    title: 'A real network at scale: `lemming import-network` and `analyze --reference` with its null models at 1,000 and 10,000 agents',
    about: 'On the first storage, each the whole process of the built CLI, 2 runs each: `import-network` of a synthetic institution (departments of 25, each person writing to 10 of their department and 5 others, seeded; the default chart, by structure), and `analyze --reference` of an org of the same size (bench/build-org.ts, every agent having written to the next: a ring) against it, which measures the real network, 20 random pieces of it of the run\'s size, and 20 rewirings and 20 configuration-model draws of the run.',
    quick: true,
    run: referenceScale,
  },
  {
    id: 'validation-commands',
    title: 'The study commands at 1,000 and 10,000 agents: `calibrate`, `calibrate --people`, `ask --all` and the persona study',
    about:
      "Lemming issue 62. On the first storage, each the whole process of the built CLI on the offline model: a panel populated from data/gss-2018/people.yaml with its size set to 1,000 and to 10,000 (teams of about 20 under a lead, personas of sex and education), then `calibrate data/gss-2018/reference.yaml` (3 questions to every agent, compared by group), `calibrate data/gss-2018/respondents.yaml --people N` (N people drawn, at most the 1,321 the extract has, each asked 4 held-out questions twice and a floor agent once), `ask --all` a question with `--choices yes,no`, and the persona study of docs/people.md as `lemming experiment` (1 run of at most 3 turns, a task to every lead, the question asked after turn 1 and at the end; the run falls idle after turn 2, the leads having answered the human and the members, who have no tools, having written nothing; every message a persona writes judged by the offline judge: adherence, drift, self-consistency). 2 runs each; at 10,000 one when the first took over a minute; a run still going after 10 minutes is stopped. The calls are the command's own (its --json output): research lines of the org's ledger, and for the experiment the run's agent calls, its survey's answers and the judged messages.",
    // Minutes at 10,000 agents; --quick runs 1,000 only when asked by --only.
    quick: false,
    run: validationCommands,
  },
  {
    id: 'peers',
    title: 'Peers: lemming beside LangGraph.js on the same workloads',
    about:
      'A ring of N agents: each step every agent reads its mail and sends one message to the next, its model (one local stand-in server for both, OpenAI-compatible, bench/peers/ring-server.ts) answering at once with one send_message. lemming: the built CLI (`lemming run --json`) on an org written as files, `engine.concurrency: 8`. LangGraph.js 1.7.3: a StateGraph with one node per agent calling the server through @langchain/openai 1.5.8\'s ChatOpenAI (which uses the openai SDK, as lemming does), the SQLite checkpointer (`@langchain/langgraph-checkpoint-sqlite`), `durability: "sync"`, `maxConcurrency: 8` (bench/peers/langgraph-ring.ts). Each run is a fresh process on a fresh org or database on the disk; the two sides\' runs are interleaved, the first side alternating with each repetition (3 unless `--repetitions N`). A steady step is the time between two steps\' ends as the bench reads them from the process\'s output, the first step left out (5 steps at 200 agents, 3 at 1,000, 4 at the 200 ms model); at 10 agents, 60 steps, the first 10 left out as the warm-up and reported apart (a step of some 20 ms is still being compiled by V8 then, on both sides), and so is its CPU time: user and system, every thread of the process, as /proc/<pid>/stat counts it when each step\'s end is read (what a step costs the machine, which the wall time shows only on a quiet one); a call\'s CPU time is a steady step\'s divided by its N calls; peak RSS is the process\'s own. Then, once each: a fork after step 5 of 10 with one message changed (lemming: `history: { keep: true }`, `lemming fork`, the message\'s file edited; LangGraph.js: `updateState` on the checkpoint after step 5), and a SIGKILL when half of step 5\'s calls have reached the model, then a resume (lemming: `run --until 10`; LangGraph.js: `stream(null)` on the thread), counted by bench/peers/ring-accounting.ts from the messages each side left and the calls the server answered. The OpenAI Agents SDK (@openai/agents) has no row: it runs one agent\'s loop (with handoffs) at a time and keeps no checkpoint of a multi-agent step, so a ring stepping together, a fork and a resume after a kill would be the bench\'s own code rather than the SDK\'s (docs/performance.md).',
    quick: false,
    run: peers,
  },
  {
    id: 'planted',
    title: 'Studies whose answer is planted: the clinic and the populated hospital of tests/planted, their figures against their truths',
    about:
      "On the first storage, each the whole process of the built CLI: the eleven scripted seats of tests/planted/studies/clinic.ts (a `provider: command` program playing a plan: every form of mail, one-to-one, a `to:` list, copies, mailing lists, a meeting, and every cause of refusal, the chart, the per-turn cap, credits, a department's ceiling, a loop breaker, activation) written as org files, the human's post to a list sent, 5 turns run and `analyze --json` read; then the hospital of tests/planted/studies/hospital.ts, 26 scripted seats made by `lemming populate` from a seeded spec (two departments, heads, leads, nurses; a template of the user's registering the seat), edited as a user edits it (activation rules by role, the two heads allowed to write to each other), its opening sent, 6 turns run, `analyze --json` and `analyze --reference --json` read: the per-turn cap populate set beside the one its chart needs, refusals by cause (none by the cap), draws by rule, reach by turn, reciprocity and the share inside departments. Each figure beside the one tests/planted/truths.ts computes from the plan (and the chart as populated, read back as YAML) with no lemming code: a row that misses its target is a figure lemming gets wrong (docs/validation.md, \"Studies whose answer is planted\").",
    quick: true,
    run: planted,
  },
  { id: 'offline-model', title: 'The offline model', about: 'The turn in which all 200 agents read their mail and answer it, in three fresh orgs (the org\'s and the process\'s first turn).', quick: false, run: offlineModel },
  { id: 'queue-workers', title: 'Workers over Redis', about: 'Three turns after a first one (workers finding the queue), a local redis-server; the engine keeps twice the workers\' slots in flight.', quick: false, run: queueWorkers },
];

/** What `npm run bench` writes to bench/results.json. */
export interface Results {
  machine: { cores: number; node: string; platform: string; loadBefore: number[]; loadAfter: number[]; date: string };
  quick: boolean;
  sections: SectionResult[];
  seconds: number;
}

const quick = process.argv.includes('--quick');
const repetitionsAt = process.argv.indexOf('--repetitions');
const repetitions = repetitionsAt >= 0 ? Number(process.argv[repetitionsAt + 1]) : undefined;
if (repetitions !== undefined && !(Number.isInteger(repetitions) && repetitions >= 1)) {
  process.stderr.write('--repetitions takes a whole number from 1\n');
  process.exit(2);
}
// `--long-run 200x1000,1000x200`: the long run's sizes (agents x turns), 200 and 1,000 agents for 1,000 turns unless said;
// 1,000 turns at 1,000 agents take hours on a loaded machine. `200x400/40`: in runs of 40 turns, not 4 (a user's long run).
const longRunAt = process.argv.indexOf('--long-run');
const longRunSizes = (longRunAt >= 0 ? (process.argv[longRunAt + 1] ?? '') : '200x1000,1000x1000').split(',').map((size) => {
  const [shape = '', runLength = String(TURNS_PER_RUN)] = size.split('/');
  return [...shape.split('x'), runLength].map(Number);
});
const longRunValid = (size: number[]): boolean => {
  const [, turns = 0, runLength = 0] = size;
  // Whole runs, and at least one after the early window and the first run.
  return size.length === 3 && size.every((value) => Number.isInteger(value) && value > 0) && turns % runLength === 0 && turns >= 60 && turns >= 3 * runLength;
};
if (!longRunSizes.every(longRunValid)) {
  process.stderr.write('--long-run takes sizes as agents x turns, comma-separated, each with its runs\' length after a slash (4 unless said), the turns a multiple of it, from 60 and at least 3 runs: 200x1000,1000x200,200x400/40\n');
  process.exit(2);
}
// `--only tool-step` (or a comma list): run just those sections, e.g. while working on one figure.
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? (process.argv[onlyAt + 1] ?? '').split(',').filter((id) => id !== '') : undefined;
const unknown = only?.filter((id) => !sections.some((section) => section.id === id)) ?? [];
if (only && (only.length === 0 || unknown.length > 0)) {
  process.stderr.write(`--only takes section ids, comma-separated: ${sections.map((section) => section.id).join(', ')}${unknown.length ? ` (not one: ${unknown.join(', ')})` : ''}\n`);
  process.exit(2);
}
const started = performance.now();
const loadBefore = loadavg();
const log = (line: string) => process.stdout.write(`${line}\n`);
const context = makeContext(quick, log, repetitions);
const results: SectionResult[] = [];
try {
  const chosen = sections.filter((section) => (only ? only.includes(section.id) : !quick || section.quick));
  for (const [index, section] of chosen.entries()) {
    log(`${index + 1}/${chosen.length} ${section.title}`);
    const sectionStart = performance.now();
    const rows = await section.run(context);
    results.push({ title: section.title, about: section.about, rows, seconds: (performance.now() - sectionStart) / 1000 });
  }
} finally {
  cleanUp(context);
}

const output: Results = {
  machine: { cores: cpus().length, node: process.version, platform: `${process.platform} ${process.arch}`, loadBefore, loadAfter: loadavg(), date: new Date().toISOString() },
  quick,
  sections: results,
  seconds: (performance.now() - started) / 1000,
};
// A quick or partial run is for a look while working: it leaves the committed full results alone,
// unless `--only … --merge` says to put its sections into them, in place of the same sections.
const merge = only !== undefined && !quick && process.argv.includes('--merge');
const partial = (quick || only !== undefined) && !merge;
const directory = partial ? join(repo, 'bench', '.work') : join(repo, 'bench');
const name = partial ? (only ? `results-${only.join('-')}` : 'results-quick') : 'results';
const written = merge ? mergedResults(join(directory, `${name}.json`), output) : output;
mkdirSync(directory, { recursive: true });
writeFileSync(join(directory, `${name}.json`), `${JSON.stringify(written, null, 2)}\n`);
const markdownFile = join(directory, `${name}.md`);
// Merged, the committed markdown keeps what was written under its other sections.
writeFileSync(markdownFile, merge ? written.sections.filter((section) => section.ranApart?.date === output.machine.date).reduce(mergeSection, readFileSync(markdownFile, 'utf8')) : renderMarkdown(written));
log('');
log(renderMarkdown(output));
log(`written ${join(directory, name)}.json and .md in ${output.seconds.toFixed(0)} s`);

/** The committed results with this run's sections in place of theirs (or after them), each saying when it ran and under what load. */
function mergedResults(file: string, run: Results): Results {
  const committed = JSON.parse(readFileSync(file, 'utf8')) as Results;
  const sectionsOut = [...committed.sections];
  for (const section of run.sections) {
    const apart = { ...section, ranApart: { date: run.machine.date, loadBefore: run.machine.loadBefore, loadAfter: run.machine.loadAfter } };
    const at = sectionsOut.findIndex((each) => each.title === section.title);
    if (at >= 0) sectionsOut[at] = apart;
    else sectionsOut.push(apart);
  }
  return { ...committed, sections: sectionsOut };
}
