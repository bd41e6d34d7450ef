import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePeerArgs } from '../../src/cli/commands/peer.js';
import { parseSimulateArgs } from '../../src/cli/commands/simulate.js';
import { rankAggregators } from '../../src/protocol/election.js';
import type { SimulationSummary } from '../../src/run/simulate-summary.js';
import { tinyRunFlags } from '../node/runtime/helpers.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

function runCli(args: string[], timeout = 60_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Identities whose first-ranked aggregators differ from one round to the next over `rounds` rounds. */
async function rotatingIdentities(federation: string, n: number, rounds: number): Promise<PrivateKey[]> {
  for (;;) {
    const keys = await Promise.all(Array.from({ length: n }, () => generateKeyPair('Ed25519')));
    const peers = keys.map((k) => peerIdFromPrivateKey(k).toString());
    const firsts = Array.from({ length: rounds }, (_, r) => rankAggregators({ federation, peers }, r)[0]);
    if (firsts.every((p, r) => r === 0 || p !== firsts[r - 1])) return keys;
  }
}

describe('fedmetanas peer / simulate flags', () => {
  it('peer: takes its own, the round-protocol and the search flags, lists repeatable or comma-separated', () => {
    const a = parsePeerArgs([
      '--index',
      '1',
      '--peers',
      '3',
      '--data-dir',
      '/tmp/p1',
      '--rounds',
      '2',
      '--bootstrap',
      '/ip4/127.0.0.1/tcp/1/p2p/x,/ip4/127.0.0.1/tcp/2/p2p/y',
      '--bootstrap=/ip4/127.0.0.1/tcp/3/p2p/z',
      '--compression',
      'int8',
      '--quorum',
      '0.5',
      '--round-timeout',
      '2.5',
      '--dataset-dir',
      '/data',
    ]);
    assert.deepEqual(
      [a.index, a.dataDir, a.config.peers, a.config.rounds, a.config.dataDir],
      [1, '/tmp/p1', 3, 2, '/data'],
    );
    assert.equal(a.bootstrap.length, 3);
    assert.deepEqual([a.net.compression, a.net.quorum, a.net.roundTimeoutMs], ['int8', 0.5, 2500]);
  });

  it('peer: names the bad flag', () => {
    assert.throws(
      () => parsePeerArgs(['--index', '4', '--peers', '3', '--data-dir', 'd']),
      /--index must be an integer >= 0 <= 2, found '4'/,
    );
    assert.throws(() => parsePeerArgs(['--peers', '3', '--data-dir', 'd']), /--index is required/);
    assert.throws(
      () => parsePeerArgs(['--index', '0', '--data-dir', 'd', '--compression', 'zip']),
      /--compression must be one of fp32, fp16, int8, topk, found 'zip'/,
    );
    assert.throws(
      () => parsePeerArgs(['--index', '0', '--data-dir', 'd', '--rounds', 'x']),
      (e: Error) => e.name === 'UsageError' && /fedmetanas peer: --rounds/.test(e.message),
    );
  });

  it('simulate: passes search and round-protocol flags to every peer, scenario flags are 1-based', () => {
    const a = parseSimulateArgs([
      '--peers',
      '4',
      '--rounds',
      '5',
      '--data-dir',
      '/data',
      '--out',
      '/runs',
      '--quorum',
      '0.75',
      '--kill-aggregator-at',
      '3',
      '--late-join',
      '2@1',
      '--restart',
      '1@4',
    ]);
    assert.deepEqual(a.scenario, {
      killAggregatorAt: 2,
      lateJoin: [{ index: 2, afterRound: 0 }],
      restart: [{ index: 1, atRound: 3 }],
    });
    assert.deepEqual(a.peerArgs, [
      '--peers',
      '4',
      '--rounds',
      '5',
      '--dataset-dir',
      '/data',
      '--quorum',
      '0.75',
      '--heartbeat-interval',
      '1',
    ]);
    assert.equal(a.config.out, '/runs');
    assert.throws(
      () => parseSimulateArgs(['--rounds', '3', '--kill-aggregator-at', '1']),
      /--kill-aggregator-at must be an integer >= 2 <= 3/,
    );
  });

  it('simulate --help exits 0; a bad flag exits 2 with a named error', () => {
    const help = runCli(['simulate', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: fedmetanas simulate --peers N/);
    const bad = runCli(['simulate', '--restart', '9@2']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /UsageError: Error in fedmetanas simulate: --restart must be I@R/);
  });
});

describe('fedmetanas simulate (4 real peers, 3 rounds)', function () {
  this.timeout(180_000);
  let out = '';
  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'fedmetanas-cli-sim-'));
  });
  after(async () => rm(out, { recursive: true, force: true }));

  it('completes every round with a rotating aggregator, and every peer ends with the same model', async () => {
    const federation = 'cli-sim-test';
    const keys = await rotatingIdentities(federation, 4, 3);
    const ids = keys.map((k) => peerIdFromPrivateKey(k).toString());
    for (const [i, key] of keys.entries()) {
      await mkdir(join(out, 'run', 'peers', String(i)), { recursive: true });
      await writeFile(join(out, 'run', 'peers', String(i), 'identity.key'), privateKeyToProtobuf(key));
    }
    const r = runCli(
      [
        'simulate',
        ...tinyRunFlags(4, 3),
        '--federation',
        federation,
        '--heartbeat-interval',
        '0.5',
        '--start-timeout',
        '40',
        '--linger',
        '10',
        '--timeout',
        '150',
        '--out',
        out,
        '--name',
        'run',
      ],
      170_000,
    );
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /round 3\/3: aggregator peer \d/);
    assert.match(r.stdout, /\ngenotype Genotype\(normal=\[/);
    assert.match(r.stdout, /accuracy: global test \d+\.\d+% \(2000 images\)/);
    const dir = join(out, 'run');
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as SimulationSummary;
    assert.equal(summary.rounds.length, 3);
    summary.rounds.forEach((round, r) => {
      assert.equal(round.contributors.length, 4, `round ${r} contributors`);
      assert.ok(round.hashesAgree);
      assert.equal(
        round.aggregator.peer,
        rankAggregators({ federation, peers: ids }, r)[0],
        `round ${r} aggregator`,
      );
      assert.ok(round.globalBytes > 0 && round.updateBytes > 0);
    });
    assert.ok(summary.aggregators >= 2, 'the aggregator rotates');
    assert.ok(summary.allSameFinalHash && summary.peers.every((p) => p.finished));
    assert.equal(summary.globalTest?.count, 2000);
    for (let i = 0; i < 4; i++) {
      const ckpt = JSON.parse(await readFile(join(dir, 'peers', String(i), 'checkpoint.json'), 'utf8')) as {
        round: number;
        hash: string;
      };
      assert.deepEqual([ckpt.round, ckpt.hash], [3, summary.finalHash]);
      assert.ok(existsSync(join(dir, 'peers', String(i), 'events.jsonl')));
    }
    for (const f of [
      'config.json',
      'rounds.jsonl',
      'model.fmns',
      'genotype.json',
      'genotype.txt',
      'normal.dot',
    ]) {
      assert.ok(existsSync(join(dir, f)), f);
    }
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as {
      seed: number;
      versions: { node: string };
      peerIds: string[];
    };
    assert.deepEqual(config.peerIds, ids);
    assert.equal(config.seed, 1);
  });
});
