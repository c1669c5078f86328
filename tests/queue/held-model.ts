import { agentOf, answer } from '../faults/wire-org.js';
import { startWireServer, type ReceivedRequest, type WireReply, type WireServer } from '../helpers/wire-server.js';

/** A call the model holds: it has arrived once `arrived` resolves, and is answered once `release` is called. */
export interface HeldCall {
  arrived: Promise<void>;
  release(): void;
}

/** The wire org's model at a local server, able to hold one agent's next call while the test breaks something. */
export interface HeldModel {
  server: WireServer;
  /** Hold the next call made for `agent` (the calls after it are answered at once). */
  holdNext(agent: string): HeldCall;
  /** Let every held call go, and hold nothing more: a server shared by a file's tests starts each test so. */
  releaseAll(): void;
}

/**
 * The wire org's story (tests/faults/wire-org.ts): the human asks the manager, the manager
 * hands the work to the coder, the coder reports back, the manager tells the human. Every
 * call is answered at once unless the test holds one.
 */
export async function startHeldModel(): Promise<HeldModel> {
  let held: { agent: string; arrive(): void; released: Promise<void> } | undefined;
  const releases: Array<() => void> = [];
  const story = (request: ReceivedRequest): WireReply => {
    const text = JSON.stringify(request.body);
    if (agentOf(request) === 'coder') return answer(request, { to: 'manager', body: 'Built it.' });
    if (text.includes('from=\\"coder\\"')) return answer(request, { to: 'human', body: 'All done.' });
    if (text.includes('from=\\"human\\"')) return answer(request, { to: 'coder', body: 'Build it, please.' });
    return answer(request);
  };
  const server = await startWireServer(async (request) => {
    const hold = held;
    if (hold && agentOf(request) === hold.agent) {
      held = undefined;
      hold.arrive();
      await hold.released;
    }
    return story(request);
  });
  return {
    server,
    holdNext: (agent) => {
      let arrive: () => void = () => undefined;
      let release: () => void = () => undefined;
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      held = { agent, arrive, released };
      releases.push(release);
      return { arrived, release };
    },
    releaseAll: () => {
      held = undefined;
      for (const release of releases.splice(0)) release();
    },
  };
}
