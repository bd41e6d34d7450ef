import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/** Kinds of events the node records. */
export type NodeEventType =
  | 'send'
  | 'recv'
  | 'reject'
  | 'election'
  | 'transfer-failed'
  | 'peer-connect'
  | 'peer-disconnect'
  | 'start'
  | 'stop'
  | 'error'
  /** Round runtime (`src/node/runtime`): round progress, phases, failovers, conflicts, checkpoints. */
  | 'round'
  | 'phase'
  | 'metrics'
  | 'failover'
  | 'conflict'
  | 'checkpoint'
  | 'sync';

/** One line of the event log; `ts` (ms since epoch) is added when recorded. */
export interface NodeEvent {
  type: NodeEventType;
  /** Wire message type: heartbeat, announcement, update, model-request, blob, ... */
  msg?: string;
  /** Gossip topic or stream protocol. */
  topic?: string;
  round?: number;
  bytes?: number;
  /** Remote peer ID (sender for recv, destination for send). */
  peer?: string;
  latencyMs?: number;
  /** Rejection reason or error name. */
  reason?: string;
  detail?: string;
  hash?: string;
  [extra: string]: string | number | boolean | readonly string[] | undefined;
}

/** Where events go. */
export interface EventSink {
  record(event: NodeEvent): void;
  close(): Promise<void>;
}

/** An event sink that drops everything. */
export const NULL_EVENT_SINK: EventSink = { record: () => {}, close: async () => {} };

/**
 * Append-only JSONL event log: one JSON object per line with a `ts` timestamp first. Writes are
 * buffered by a stream; `close()` flushes.
 */
export class JsonlEventLog implements EventSink {
  private readonly out: WriteStream;
  private closed = false;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.out = createWriteStream(path, { flags: 'a' });
    this.out.on('error', () => {
      this.closed = true;
    });
  }

  record(event: NodeEvent): void {
    if (this.closed) return;
    this.out.write(`${JSON.stringify({ ts: Date.now(), ...event })}\n`);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.out.end(resolve));
  }
}

/** An in-memory sink (tests, benchmarks). */
export class MemoryEventLog implements EventSink {
  readonly events: (NodeEvent & { ts: number })[] = [];
  record(event: NodeEvent): void {
    this.events.push({ ts: Date.now(), ...event });
  }
  async close(): Promise<void> {}
}

/** Fan events out to several sinks. */
export function teeEvents(...sinks: EventSink[]): EventSink {
  return {
    record: (e) => sinks.forEach((s) => s.record(e)),
    close: async () => {
      await Promise.all(sinks.map((s) => s.close()));
    },
  };
}
