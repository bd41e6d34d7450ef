import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

/** Run the built `fedmetanas` command in a child process (the same Node that runs the tests). */
export function runCli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('fedmetanas command', function () {
  it('prints help listing the commands', function () {
    const r = runCli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: fedmetanas <command>/);
    assert.match(r.stdout, /backends/);
  });

  it('an unknown command exits 2 with a named error', function () {
    const r = runCli(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /UsageError: Unknown command 'frobnicate'/);
  });

  it('an unknown flag exits 2 with a named error', function () {
    const r = runCli(['backends', '--nope']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /UsageError: Error in fedmetanas backends: Unknown option '--nope'/);
  });

  it('backends --json reports what auto picks', function () {
    const r = runCli(['backends', '--json']);
    assert.equal(r.code, 0);
    const report = JSON.parse(r.stdout) as {
      auto: string;
      backends: { name: string; version: string | null }[];
    };
    assert.ok(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'].includes(report.auto));
    assert.equal(report.backends.find((b) => b.name === 'wasm')?.version !== null, true);
  });

  it('keygen writes a 95-byte federation key and an identity, and never overwrites a key', function () {
    const dir = mkdtempSync(join(tmpdir(), 'fedmetanas-keygen-'));
    try {
      const key = join(dir, 'federation.key');
      const id = join(dir, 'identity.key');
      const r = runCli(['keygen', '--federation-key', key, '--identity', id, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as { peerId: string };
      assert.match(report.peerId, /^12D3KooW/);
      assert.equal(readFileSync(key).length, 95);
      const again = runCli(['keygen', '--identity', id, '--json']);
      assert.equal((JSON.parse(again.stdout) as { peerId: string }).peerId, report.peerId);
      const refused = runCli(['keygen', '--federation-key', key]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /PskFileError/);
      assert.equal(runCli(['keygen']).code, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
