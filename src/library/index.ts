/**
 * lemming as a library: what the CLI does, as functions (docs/api.md). Everything exported here is
 * the public API and follows semver; nothing else of the package is (see "What is public").
 */
export { bootstrap, type BootstrapOptions, type Bootstrapped } from './bootstrap.js';
export { openOrg, type OpenOrgOptions, type OpenedOrg } from './open-org.js';
export { send, sendToMany, inbox, approve, reject, type Outgoing, type OutgoingToMany } from './human-actions.js';
export { diff, type DiffOptions } from './compare.js';
export { runExperiment, readExperimentReport, type RunExperimentOptions, type ExperimentReport } from './experiment.js';
export { forkOrg as fork, type ForkOrigin } from '../history/fork-org.js';
export { renderDiff } from '../diff/render-diff.js';
export { LemmingError, type Problem } from '../errors.js';
export type { EngineEvent, MessageSummary, RunTotals, TurnStats, RunCap, SkipReason } from '../engine/events.js';
export type { RunOptions } from '../engine/engine.js';
export type { BootstrapReport } from '../org/bootstrap-org.js';
export type { OrgTemplate } from '../org/templates/org-templates.js';
export type { SentMessage } from '../engine/human/send-as-human.js';
export type { HumanInbox, InboxMessage, InboxNotice } from '../engine/human/human-inbox.js';
export type { Decision } from '../engine/human/decide-proposal.js';
export type { Message, Priority } from '../mailbox/message.js';
export type { Org, Agent } from '../org/org.js';
export type { OrgDiff } from '../diff/org-diff.js';
export type { ExperimentOutcome } from '../experiment/run-experiment.js';
export type { RunMetrics } from '../experiment/run-metrics.js';
export type { VariantSummary } from '../experiment/variant-summary.js';
export type { StudyStatistics } from '../experiment/study-statistics.js';
