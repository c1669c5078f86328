import type { AnsweredUsage, ProviderResponse } from '../../providers/provider.js';
import type { Speech } from '../../meetings/meeting-transcript.js';
import type { LoopRecord, StepSummary } from './step-loop.js';
import type { ReflectionAnswer } from './reflect.js';
import type { RatingAnswer } from '../../memory/rate-stream.js';
import type { RefusedStep } from './unread-answer.js';
import type { Lesson } from '../record/token-ratios.js';

/**
 * What a meeting journals as it goes (turn/hold-meetings.ts), so a turn killed mid-meeting and
 * finished later calls no speaker twice and writes the same transcript: each speech once it is
 * known (with the answers it is charged for), and the steps of a speech's own tool loop.
 */
export type MeetingRecord =
  | {
      type: 'meeting-speech';
      turn: number;
      meeting: string;
      speech: Speech;
      /** Its answer (its loop's steps folded), when it spoke. */
      response?: ProviderResponse;
      /** lemming's estimate of the request its (first) answer was to, in tokens (record/journal.ts, `asked`): held to as a response record's is. Absent in journals of older versions. */
      asked?: number;
      receivedAt?: string;
      steps?: StepSummary[];
      /** A later step of its speech whose answer lemming refused unread (step-loop.ts): the steps before it stand, and the speaker is held. */
      refusedStep?: RefusedStep;
      /** Why its loop stopped early (step-loop.ts: the refused step, engine.max_steps, its credits, the context window): said on the speaker's turn line. */
      cutShort?: string;
      /** Answers a failed call came back with: charged with the speaker's turn. */
      unusable?: AnsweredUsage[];
      /** Why lemming refused the failed call's answer, when it did (provider-error.ts, refusedCallCause): its charge says so, and the speaker is held. */
      refused?: 'answer-too-large';
      /** The failed call's key was refused (provider-error.ts, isKeyRefused): the speaker is held. */
      keyRefused?: true;
      /** The memories its prompt showed (ids, in order): recorded as recalled with the attendee's turn. */
      recalled?: string[];
      /** After its last speech, the attendee reflected, or its model rated its memories: applied with its turn. */
      reflection?: ReflectionAnswer;
      rating?: RatingAnswer;
      /** What its answers and refusals taught the token ratios (record/token-ratios.ts): learned again by a turn finished after a crash (record/journal.ts, lessonsJournaled). */
      taught?: Lesson[];
    }
  | { type: 'meeting-loop'; turn: number; meeting: string; round: number; agent: string; record: LoopRecord };
