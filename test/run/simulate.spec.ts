import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeEvent } from '../../src/node/events.js';
import type { ProgressRecord, RoundRecord } from '../../src/node/runtime/progress.js';
import { runSimulation, type Scenario } from '../../src/run/simulate.js';
import type { SimulationSummary } from '../../src/run/simulate-summary.js';
import { tinyRun, tinyRunFlags } from '../node/runtime/helpers.js';

/** Round-protocol flags of the tests: fast heartbeats (failure seen in 1.5 s), short waits. */
const FAST = [
  '--heartbeat-interval',
  '0.5',
  '--start-timeout',
  '40',
  '--linger',
  '10',
  '--max-round-time',
  '60',
];

interface Run {
  summary: SimulationSummary;
  records: { index: number; record: ProgressRecord }[];
  events: (i: number) => Promise<(NodeEvent & { ts: number })[]>;
}

async function simulate(
  out: string,
  name: string,
  peers: number,
  rounds: number,
  scenario: Scenario,
): Promise<Run> {
  const records: Run['records'] = [];
  const summary = await runSimulation({
    config: { ...tinyRun(peers, rounds), out, name },
    peerArgs: [...tinyRunFlags(peers, rounds), ...FAST],
    net: { heartbeatIntervalMs: 500 },
    timeoutMs: 150_000,
    scenario,
    onRecord: (index, record) => records.push({ index, record }),
  });
  const events = async (i: number) =>
    (await readFile(join(summary.runDir, 'peers', String(i), 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as NodeEvent & { ts: number });
  return { summary, records, events };
}

const roundsOf = (run: Run, index: number) =>
  run.records
    .filter((r) => r.index === index && r.record.type === 'round')
    .map((r) => (r.record as RoundRecord).round);

describe('run/simulate: real peers on loopback', function () {
  this.timeout(180_000);
  let out = '';
  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'fedmetanas-sim-'));
  });
  after(async () => rm(out, { recursive: true, force: true }));

  it('completes the round through failover when the aggregator process is killed mid-round', async () => {
    const run = await simulate(out, 'kill', 4, 3, { killAggregatorAt: 1 });
    const { summary } = run;
    assert.equal(summary.rounds.length, 3);
    const killed = summary.peers.filter((p) => p.kills === 1);
    assert.equal(killed.length, 1);
    const dead = killed[0];
    assert.equal(dead.finished, false);
    for (const r of summary.rounds.slice(1)) {
      assert.notEqual(r.aggregator.peer, dead.peer, `round ${r.round} aggregated by the dead peer`);
      assert.ok(!r.contributors.some((c) => c.peer === dead.peer));
      assert.equal(r.contributors.length, 3);
      assert.ok(r.hashesAgree);
    }
    const survivors = summary.peers.filter((p) => p.index !== dead.index);
    assert.ok(survivors.every((p) => p.finished && p.finalHash === summary.finalHash));
    assert.ok(summary.allSameFinalHash);
    const failovers = (await Promise.all(survivors.map((p) => run.events(p.index))))
      .flat()
      .filter((e) => e.type === 'failover' && e.round === 1);
    assert.ok(failovers.length > 0, 'the survivors log the failover');
    assert.ok(
      failovers.every((e) => e.reason === 'skip-dead' && (e.skipped as string[]).includes(dead.peer)),
    );
  });

  it('lets a late joiner catch up and end with the same final model', async () => {
    const run = await simulate(out, 'late', 4, 4, { lateJoin: [{ index: 3, afterRound: 0 }] });
    const { summary } = run;
    assert.equal(summary.rounds.length, 4);
    assert.ok(!summary.rounds[0].contributors.some((c) => c.index === 3), 'absent from round 1');
    assert.ok(summary.peers.every((p) => p.finished));
    assert.ok(summary.allSameFinalHash);
    assert.ok(roundsOf(run, 3).every((r) => r >= 1));
    const sync = (await run.events(3)).filter((e) => e.type === 'sync');
    assert.ok(sync.length > 0);
    assert.notDeepEqual([sync[0].msg, sync[0].round], ['participate', 0], 'does not start over from round 1');
    const checkpoint = JSON.parse(
      await readFile(join(summary.runDir, 'peers/3/checkpoint.json'), 'utf8'),
    ) as {
      round: number;
      hash: string;
    };
    assert.deepEqual([checkpoint.round, checkpoint.hash], [4, summary.finalHash]);
  });

  it('restarts a crashed peer from its checkpoint without repeating a round', async () => {
    const run = await simulate(out, 'restart', 4, 6, { restart: [{ index: 1, atRound: 2 }] });
    const { summary } = run;
    assert.equal(summary.rounds.length, 6);
    const peer = summary.peers[1];
    assert.equal(peer.kills, 1);
    assert.equal(peer.resumedAt.length, 1, 'the second life resumed from the checkpoint');
    assert.ok(peer.resumedAt[0] >= 1, `resumed at round ${peer.resumedAt[0]}`);
    const rounds = roundsOf(run, 1);
    assert.equal(new Set(rounds).size, rounds.length, `rounds reported twice: ${rounds}`);
    assert.deepEqual(
      rounds,
      [...rounds].sort((a, b) => a - b),
    );
    assert.ok(summary.peers.every((p) => p.finished));
    assert.ok(summary.allSameFinalHash);
    const trained = (await run.events(1))
      .filter((e) => e.type === 'metrics' && e.msg === 'train')
      .map((e) => e.round as number);
    const firstLife = trained.filter((r) => r < 2);
    const secondLife = trained.slice(firstLife.length);
    assert.ok(
      secondLife.every((r) => r >= peer.resumedAt[0]),
      `trained ${trained} after resuming at ${peer.resumedAt[0]}`,
    );
  });
});
