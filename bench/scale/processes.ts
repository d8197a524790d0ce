import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { REPO_ROOT } from '../../shared/paths.js';
import type { Service } from '../lib/processes.js';

/**
 * Resolves once `port` accepts a TCP connection. Both gateways listen only after loading the
 * supergraph, so this is "ready" without sending an operation that would warm the planner.
 * Polls every 10 ms: the error is small next to start-up times of seconds.
 */
export async function waitListening(port: number, child: Service, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.child.exitCode !== null) throw new Error(`the process exited with code ${child.child.exitCode} before listening on port ${port}:\n${child.log()}`);
    if (await accepts(port)) return;
    if (Date.now() > deadline) throw new Error(`nothing listened on port ${port} after ${timeoutMs} ms:\n${child.log()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resident and peak resident memory of a process, in MB (Linux /proc); null elsewhere. */
export function memoryOf(pid: number | undefined): { rssMb: number; peakRssMb: number } | null {
  if (pid === undefined) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Wall time of spawn -> exit of `node --import tsx` on a script that does nothing: the floor under any start time. */
export async function runtimeStartMs(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', '0'], { cwd: REPO_ROOT, stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`node --import tsx -e 0 exited with code ${code}`);
  return performance.now() - started;
}
