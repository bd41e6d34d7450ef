import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ProgressRecord, ReadyRecord } from '../node/runtime/progress.js';
import { SimulationPeerError } from './errors.js';

/** The `fedmetanas` entry point of this build. */
export const FEDMETANAS_BIN = fileURLToPath(new URL('../cli/bin.js', import.meta.url));

/** Lines of a child's stderr kept for error messages. */
export const STDERR_TAIL_LINES = 20;

/** Options of `ChildPeer.spawn`. */
export interface ChildPeerOptions {
  index: number;
  /** Arguments after `fedmetanas peer`. */
  args: readonly string[];
  /** File receiving the child's stderr. */
  stderrFile: string;
  onRecord: (record: ProgressRecord) => void;
  /** Node executable (default: this process's) and entry point (default `FEDMETANAS_BIN`). */
  exec?: string;
  bin?: string;
}

/** How a child ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One `fedmetanas peer` child process: its JSON progress lines (stdout) are parsed and handed to
 * `onRecord`, its stderr goes to a file (the last lines are kept for error messages). The child's stdin
 * is a pipe it watches (`--stop-on-stdin-close`), so it stops when this process dies.
 */
export class ChildPeer {
  private static spawned = 0;
  /** Distinct for every child spawned by this process (a restarted peer gets a new one). */
  readonly serial = ++ChildPeer.spawned;
  readonly exited: Promise<ChildExit>;
  readonly ready: Promise<ReadyRecord>;
  /** Set by `kill(..., true)`: the exit is part of the scenario, not a failure. */
  expectedExit = false;
  exit: ChildExit | undefined;
  readonly stderrTail: string[] = [];
  private readonly child: ChildProcess;

  private constructor(readonly opts: ChildPeerOptions) {
    mkdirSync(dirname(opts.stderrFile), { recursive: true });
    const err = createWriteStream(opts.stderrFile, { flags: 'a' });
    this.child = spawn(
      opts.exec ?? process.execPath,
      [opts.bin ?? FEDMETANAS_BIN, 'peer', ...opts.args, '--json', '--stop-on-stdin-close'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let resolveReady: (r: ReadyRecord) => void = () => {};
    let rejectReady: (e: Error) => void = () => {};
    this.ready = new Promise((res, rej) => {
      resolveReady = res;
      rejectReady = rej;
    });
    this.ready.catch(() => {});
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const record = parseRecord(line);
      if (record === undefined) return;
      if (record.type === 'ready') resolveReady(record);
      opts.onRecord(record);
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      err.write(`${line}\n`);
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        err.end();
        rejectReady(
          new SimulationPeerError(
            `Error in ChildPeer: peer ${opts.index} must report ready before exiting, found exit ${code ?? signal}: ${this.stderrTail.slice(-3).join(' | ')}`,
          ),
        );
        resolve({ code, signal });
      });
    });
  }

  /** Start `fedmetanas peer <args>` in a child process. */
  static spawn(opts: ChildPeerOptions): ChildPeer {
    return new ChildPeer(opts);
  }

  get index(): number {
    return this.opts.index;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Send `signal` (default SIGKILL, a crash); `expected` marks the exit as part of the scenario. */
  kill(signal: NodeJS.Signals = 'SIGKILL', expected = true): void {
    if (expected) this.expectedExit = true;
    if (this.running) this.child.kill(signal);
  }
}

function parseRecord(line: string): ProgressRecord | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const r = JSON.parse(line) as ProgressRecord;
    return typeof r === 'object' && r !== null && typeof r.type === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}
