/**
 * Child processes of the benchmark: spawning (one process per service, killed by pid), their
 * READY lines, and what the kernel says they cost (CPU time and resident memory, read from
 * /proc for the process and all its descendants, so a peer that forks workers is counted whole).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { REPO_ROOT } from '../../shared/paths.js';

export interface Service {
  child: ChildProcess;
  /** The last few KB of its output, for error messages. */
  log(): string;
}

/** `node --import tsx file` in ONE process (no tsx wrapper), so the pid is the server itself. */
export function spawnTsx(file: string, args: string[] = [], env: Record<string, string> = {}, nodeArgs: string[] = []): Service {
  return spawnService(process.execPath, [...nodeArgs, '--import', 'tsx', file, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
}

export function spawnService(command: string, args: string[], options: SpawnOptions): Service {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const keep = (d: Buffer) => (text = (text + d).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, log: () => text };
}

/** Resolves with the JSON after `READY ` on the service's stdout; fails if it exits first. */
export function readyLine<T>(service: Service, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`no READY line after ${timeoutMs} ms:\n${service.log()}`)), timeoutMs);
    service.child.stdout!.on('data', (d) => {
      buffered += d;
      const line = buffered.split('\n').find((l) => l.startsWith('READY '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(6)) as T);
      }
    });
    service.child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready:\n${service.log()}`));
    });
  });
}

export function stopService({ child }: Service): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const PAGE_BYTES = 4096;

/** The process and all its descendants. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) (children.get(stat.ppid) ?? children.set(stat.ppid, []).get(stat.ppid)!).push(Number(entry));
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

function readStat(pid: number): { ppid: number; cpuTicks: number; rssPages: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces: fields are counted from after its closing parenthesis.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]), rssPages: Number(fields[21]) };
  } catch {
    return undefined; // it exited meanwhile
  }
}

/** CPU time (user + system) used so far by a process tree, in milliseconds. */
export function cpuMs(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + (readStat(p)?.cpuTicks ?? 0), 0) * (1000 / TICKS_PER_SECOND);
}

const rssOf = (pids: readonly number[]) => pids.reduce((sum, p) => sum + (readStat(p)?.rssPages ?? 0), 0) * PAGE_BYTES;

/** Resident memory of a process tree now, in bytes. */
export function rssBytes(pid: number): number {
  return rssOf(processTree(pid));
}

/**
 * Samples the resident memory of `pid`'s tree every `everyMs` until stopped; returns the peak.
 * The tree is listed once a second, not per sample: walking /proc is the load generator's CPU.
 */
export function watchPeakRss(pid: number, everyMs = 100): { stop(): number } {
  let tree = processTree(pid);
  let peak = rssOf(tree);
  let samples = 0;
  const timer = setInterval(() => {
    if (++samples % Math.ceil(1000 / everyMs) === 0) tree = processTree(pid);
    peak = Math.max(peak, rssOf(tree));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssBytes(pid));
    },
  };
}
