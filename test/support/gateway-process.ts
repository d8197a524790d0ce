import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../../shared/paths.js';

/** One JSON log line of the gateway. */
export type LogLine = Record<string, any>;

export interface GatewayProcess {
  child: ChildProcess;
  lines: LogLine[];
  /** stderr and any stdout line that is not JSON, for failure messages. */
  text(): string;
  /** Resolves with the first log line (already written or still to come) that matches. */
  waitFor(match: (line: LogLine) => boolean, what: string): Promise<LogLine>;
  exited: Promise<number | null>;
}

/** Starts `node --import tsx gateway/src/main.ts` as a real process, with its JSON log lines at hand. */
export function startGateway(env: Record<string, string>): GatewayProcess {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('JWT_') && !key.startsWith('GATEWAY_')));
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...base, NODE_OPTIONS: '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let text = '';
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line));
    } catch {
      text += `${line}\n`;
    }
    for (const check of waiters) check();
  });
  child.stderr!.on('data', (chunk) => (text += chunk));
  // 'close', not 'exit': the workers share the pipes, and every line they wrote has been read by then.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const waitFor = (match: (line: LogLine) => boolean, what: string) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = lines.find(match);
        if (!found) return;
        waiters.delete(check);
        resolve(found);
      };
      waiters.add(check);
      check();
      void exited.then((code) => waiters.has(check) && reject(new Error(`gateway exited (${code}) before ${what}:\n${text}${JSON.stringify(lines)}`)));
    });
  return { child, lines, text: () => text, waitFor, exited };
}
