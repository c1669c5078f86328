import { connect } from 'node:net';

/** What a client that stopped sending saw: the bytes answered, and whether the server closed the connection in time. */
export interface Stalled {
  answer: string;
  closed: boolean;
}

/** Open a connection, write `sent` and nothing more (a slowloris client), and wait up to `waitMs` for the server to close it. */
export function stall(port: number, sent: string, waitMs: number): Promise<Stalled> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const timer = setTimeout(() => finish(false), waitMs);
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ answer, closed });
    };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
    socket.once('connect', () => socket.write(sent));
  });
}
