import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryEventLog } from '../../src/node/events.js';
import { createFedNode, type FedNode, type FedNodeOptions } from '../../src/node/peer.js';
import { generatePsk } from '../../src/node/psk.js';

/** Options shared by test nodes: loopback only, fast gossip heartbeats, short timeouts. */
export const TEST_NODE_DEFAULTS: Partial<FedNodeOptions> = {
  listen: ['/ip4/127.0.0.1/tcp/0'],
  heartbeatIntervalMs: 300,
  bootstrapDelayMs: 20,
  dialTimeoutMs: 3000,
  transferTimeoutMs: 15_000,
  gossip: { heartbeatInterval: 200 },
};

/** A started test node and its in-memory event log. */
export interface TestNode {
  node: FedNode;
  log: MemoryEventLog;
  dataDir: string;
}

/** Start one node in a fresh temporary data dir. */
export async function startNode(
  options: Partial<FedNodeOptions> & { federation?: string } = {},
): Promise<TestNode> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fedmetanas-node-'));
  const log = new MemoryEventLog();
  const node = await createFedNode({
    federation: 'test-fed',
    dataDir,
    events: log,
    ...TEST_NODE_DEFAULTS,
    ...options,
  });
  return { node, log, dataDir };
}

/** Start `n` nodes sharing one key: the first listens, the others bootstrap from it. */
export async function startFederation(
  n: number,
  options: Partial<FedNodeOptions> = {},
): Promise<{ nodes: TestNode[]; psk: Uint8Array }> {
  const psk = options.psk ?? generatePsk();
  const first = await startNode({ ...options, psk });
  const rest = await Promise.all(
    Array.from({ length: n - 1 }, () => startNode({ ...options, psk, bootstrap: first.node.addrs() })),
  );
  return { nodes: [first, ...rest], psk };
}

/** Stop nodes (ignoring errors) and remove their data dirs. */
export async function stopAll(nodes: readonly (TestNode | undefined)[]): Promise<void> {
  await Promise.all(
    nodes.map(async (t) => {
      if (t === undefined) return;
      await t.node.stop().catch(() => {});
      await rm(t.dataDir, { recursive: true, force: true });
    }),
  );
}

/** Poll `cond` every 25 ms until true; throws after `timeoutMs` with `label`. */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  label: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Deterministic pseudo-random bytes (fast, not crypto). */
export function testBytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
