/**
 * lemming as a library: what the CLI does, as functions (docs/api.md). Everything exported here is
 * the public API and follows semver; nothing else of the package is (see "What is public").
 */
export { bootstrap, type BootstrapOptions, type Bootstrapped } from './bootstrap.js';
export { openOrg, type OpenOrgOptions, type OpenedOrg } from './open-org.js';
export { send, inbox, approve, reject, type Outgoing } from './human-actions.js';
export { diff, diffTurns, type DiffOptions } from './compare.js';
export { populate, type PopulateOptions } from './population.js';
export { ask, type Question } from './survey.js';
export { calibrate, type CalibrateOptions } from './calibration.js';
export { analyze, analyzeReference, type AnalyzeReferenceOptions, type TablesOption } from './analysis.js';
export { blame, type BlameOptions } from './blame.js';
export { history } from './history.js';
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
export type { PopulateReport } from '../population/populate.js';
export type { AttributeSummary } from '../population/population-summary.js';
export type { Survey } from '../survey/survey-org.js';
export type { Respondents, SurveyAnswer } from '../survey/ask-agents.js';
export type { Tally } from '../survey/tally-answers.js';
export type { SurveyQuestion } from '../mailbox/survey-markup.js';
export type { SurveyTable, SurveyCell } from '../experiment/survey-report.js';
export type { Calibration, GroupComparison } from '../calibrate/calibrate-org.js';
export type { Comparison as CalibrationComparison, Estimate } from '../calibrate/calibration-statistics.js';
export type { ReferenceQuestion as CalibrationQuestion } from '../calibrate/reference-file.js';
export type { OrgAnalysis, AgentLoad, EdgeUse, EdgeUsage, RequestPath, UnansweredRequest, Bottleneck, MastModeCount } from '../analysis/org-analysis.js';
export type { ReferenceComparison, ReferenceRow, NetworkSummary } from '../reference/compare-reference.js';
export type { ReferenceQuestion as NetworkReference } from '../reference/compare-runs.js';
export type { BlameReport } from '../blame/blame-run.js';
export type { StepBlame, AgentBlame, ForkOutcome, FlipRate, Verdict } from '../blame/blame-ranking.js';
export type { HistoryListing } from '../history/read-history.js';
export type { HistoryEntry, EntrySummary, EntryKind } from '../history/history-entry.js';
