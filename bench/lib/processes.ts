import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { LoadResult, LoadSpec } from '../loadgen.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

export interface Server {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the ready line. */
  readyMs: number;
  /** performance.now() when it was spawned. */
  spawnedAt: number;
  /** Peak resident memory so far (VmHWM), in bytes. */
  peakRss(): number | null;
  stop(): Promise<number | null>;
  output(): string;
}

/**
 * Starts a Node server the way the project runs it (`node --import tsx <script>`) and waits for
 * the line that says where it listens.
 */
export function startServer(options: {
  script: string;
  env: NodeJS.ProcessEnv;
  ready: RegExp;
  nodeArgs?: string[];
  timeoutMs?: number;
}): Promise<Server> {
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', options.script], {
    cwd: ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise<Server>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.script} did not get ready in ${options.timeoutMs ?? 60_000} ms:\n${log}`));
    }, options.timeoutMs ?? 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      log += `${line}\n`;
      const match = options.ready.exec(line);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1]!.replace(/\/$/, ''),
        pid: child.pid!,
        readyMs: performance.now() - started,
        spawnedAt: started,
        peakRss: () => peakRss(child.pid!),
        stop: () => stop(child, exited),
        output: () => log,
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.script} exited (${code}) before it was ready:\n${log}`));
    });
  });
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

/** VmHWM of a live process, in bytes. */
export function peakRss(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used so far, in milliseconds; null when it is gone. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start at state: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux

/** CPU used by a set of processes between two calls. */
/** A process's children (the API's workers), from /proc. */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function cpuMeter(pids: number[]): () => number {
  const before = new Map(pids.map((pid) => [pid, cpuMs(pid) ?? 0]));
  return () => pids.reduce((sum, pid) => sum + Math.max(0, (cpuMs(pid) ?? before.get(pid)!) - before.get(pid)!), 0);
}

/**
 * The load generator, a process of its own (forked once, `node --import tsx bench/loadgen.ts`):
 * each run is a message, each result a reply.
 */
export class LoadGenerator {
  private child: ChildProcess | null = null;

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  run(spec: LoadSpec): Promise<LoadResult> {
    const child = (this.child ??= fork(join(ROOT, 'bench/loadgen.ts'), [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (reply: { ok: true; result: LoadResult } | { ok: false; error: string }) => {
        child.off('exit', onExit);
        if (reply.ok) resolve(reply.result);
        else reject(new Error(`load generator: ${reply.error}`));
      });
      child.send(spec);
    });
  }

  stop(): void {
    this.child?.kill();
    this.child = null;
  }
}
