import { connect, type Socket } from 'node:net';

/** What a request got back over HTTP, and how long the whole answer took. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: any;
  ms: number;
}

/**
 * Raw bytes on a fresh socket: for what an HTTP client library would not send (a chunked body that
 * never ends, hundreds of headers). `body` gets the socket to write to (respecting its
 * backpressure); resolves with the status and the (de-chunked) body once the answer is complete.
 */
export function raw(port: number, head: string, body: (socket: Socket) => void): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const finish = () => {
      const match = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(received);
      if (!match) return false;
      const headers = Object.fromEntries(match[2].split('\r\n').map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      let text = match[3];
      if (headers['transfer-encoding'] === 'chunked') {
        if (!text.endsWith('0\r\n\r\n')) return false;
        text = dechunk(text);
      } else if (Buffer.byteLength(text) < Number(headers['content-length'] ?? 0)) return false;
      socket.destroy();
      resolve({ status: Number(match[1]), headers, text, json: parseJson(text), ms: performance.now() - started });
      return true;
    };
    socket.on('data', (data) => {
      received += data.toString('utf8');
      finish();
    });
    socket.on('close', () => finish() || reject(new Error(`connection closed without an answer: ${received.slice(0, 200)}`)));
    socket.on('error', () => undefined);
    socket.write(head);
    body(socket);
  });
}

/** Writes `chunk` again and again, as fast as the peer reads, until the socket closes. */
export function flood(socket: Socket, chunk: string): void {
  const pump = () => {
    while (!socket.destroyed && socket.write(chunk));
    if (!socket.destroyed) socket.once('drain', pump);
  };
  pump();
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const end = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, end), 16);
    if (!size) return out;
    out += rest.slice(end + 2, end + 2 + size);
    rest = rest.slice(end + 2 + size + 2);
  }
}

export function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
