import { agentOf, answer } from '../faults/wire-org.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';

/** A model server for a manager and a coder whose next coder call, once `hangNextCoderCall` is called, never answers. */
export interface HangingCoderServer {
  server: WireServer;
  /** The next call of the coder hangs (a worker's job in flight for as long as the test likes). */
  hangNextCoderCall(): void;
  /** Resolves once that call has arrived. */
  coderHung: Promise<void>;
}

/**
 * The human asks the manager, the manager asks the coder, the coder reports, the manager tells the
 * human: one request's way through a two-agent org, with one of the coder's calls held open on demand.
 */
export async function startHangingCoderServer(): Promise<HangingCoderServer> {
  let hang = false;
  let arrived: () => void = () => undefined;
  const coderHung = new Promise<void>((resolve) => (arrived = resolve));
  const server = await startWireServer((request) => {
    const text = JSON.stringify(request.body);
    if (agentOf(request) === 'coder') {
      if (hang) {
        hang = false;
        arrived();
        return { hang: true };
      }
      return answer(request, { to: 'manager', body: 'Built it.' });
    }
    if (text.includes('from=\\"coder\\"')) return answer(request, { to: 'human', body: 'All done.' });
    if (text.includes('from=\\"human\\"')) return answer(request, { to: 'coder', body: 'Build it, please.' });
    return answer(request);
  });
  return { server, hangNextCoderCall: () => (hang = true), coderHung };
}
