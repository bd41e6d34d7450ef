import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { PartitionFileError } from '../errors.js';
import { partition, withDefaults } from './index.js';
import { parsePartitionSpec } from './spec.js';
import type { Partition, PartitionSpec } from './types.js';

/** The `format` tag of partition files. */
export const PARTITION_FILE_FORMAT = 'fedmetanas/partition';
/** The current partition file version. */
export const PARTITION_FILE_VERSION = 1;

/** The JSON content of a partition file. */
export interface PartitionFile {
  format: typeof PARTITION_FILE_FORMAT;
  version: typeof PARTITION_FILE_VERSION;
  dataset?: string;
  numSamples: number;
  /** SHA-256 of the labels as little-endian int32: ties the file to one label order. */
  labelsSha256: string;
  /** The parameters, defaults made explicit. */
  spec: PartitionSpec;
  shards: number[][];
}

/** What a loaded partition must agree with. */
export interface PartitionExpectations {
  /** The labels it must have been computed from (length and digest are checked). */
  labels?: ArrayLike<number>;
  spec?: PartitionSpec;
  dataset?: string;
  /** Recompute the partition from `labels` and the recorded spec and require the same shards. */
  verify?: boolean;
}

/** SHA-256 (hex) of labels as little-endian int32. */
export function labelsDigest(labels: ArrayLike<number>): string {
  const buf = Buffer.alloc(labels.length * 4);
  for (let i = 0; i < labels.length; i++) buf.writeInt32LE(labels[i] as number, i * 4);
  return createHash('sha256').update(buf).digest('hex');
}

/** The JSON object recording a partition with its parameters. */
export function partitionToJson(
  shards: Partition,
  spec: PartitionSpec,
  labels: ArrayLike<number>,
  dataset?: string,
): PartitionFile {
  return {
    format: PARTITION_FILE_FORMAT,
    version: PARTITION_FILE_VERSION,
    ...(dataset !== undefined ? { dataset } : {}),
    numSamples: labels.length,
    labelsSha256: labelsDigest(labels),
    spec: withDefaults(spec),
    shards: shards.map((s) => Array.from(s)),
  };
}

/** Write a partition file (one line per shard). */
export async function savePartition(
  path: string,
  shards: Partition,
  spec: PartitionSpec,
  labels: ArrayLike<number>,
  dataset?: string,
): Promise<void> {
  const { shards: rows, ...head } = partitionToJson(shards, spec, labels, dataset);
  const body = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  const lines = rows.map((r) => `    ${JSON.stringify(r)}`).join(',\n');
  await writeFile(path, `${body},\n  "shards": [\n${lines}\n  ]\n}\n`);
}

function sameSpec(a: PartitionSpec, b: PartitionSpec): boolean {
  const x = withDefaults(a) as unknown as Record<string, unknown>;
  const y = withDefaults(b) as unknown as Record<string, unknown>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  return [...keys].every((k) => x[k] === y[k]);
}

function checkShards(shards: unknown, numPeers: number, numSamples: number, where: string): Partition {
  const fail = (msg: string): never => {
    throw new PartitionFileError(`Error in ${where}: ${msg}.`);
  };
  if (!Array.isArray(shards) || shards.length !== numPeers) {
    fail(
      `expected shards to be ${numPeers} arrays (spec.numPeers), found ${Array.isArray(shards) ? shards.length : typeof shards}`,
    );
  }
  const seen = new Uint8Array(numSamples);
  let total = 0;
  const out = (shards as unknown[]).map((s, p) => {
    if (!Array.isArray(s)) return fail(`expected shards[${p}] to be an array of indices, found ${typeof s}`);
    for (const i of s as unknown[]) {
      if (!(typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < numSamples)) {
        fail(`expected shards[${p}] to hold integers in [0, ${numSamples}), found ${JSON.stringify(i)}`);
      }
      if (seen[i as number]) fail(`expected disjoint shards, found index ${i} twice (again in shards[${p}])`);
      seen[i as number] = 1;
    }
    total += s.length;
    return Int32Array.from(s as number[]).sort();
  });
  if (total !== numSamples) fail(`expected the shards to cover all ${numSamples} samples, found ${total}`);
  return out;
}

/** Validate parsed partition-file JSON (from `source`) and return its spec and shards. */
export function partitionFromJson(
  json: unknown,
  source: string,
  expect: PartitionExpectations = {},
): { spec: PartitionSpec; shards: Partition; dataset?: string } {
  const fail = (msg: string): never => {
    throw new PartitionFileError(`Error in ${source}: ${msg}.`);
  };
  if (typeof json !== 'object' || json === null) return fail(`expected a JSON object, found ${typeof json}`);
  const f = json as Partial<Record<keyof PartitionFile, unknown>>;
  if (f.format !== PARTITION_FILE_FORMAT)
    fail(`expected format '${PARTITION_FILE_FORMAT}', found ${JSON.stringify(f.format)}`);
  if (f.version !== PARTITION_FILE_VERSION)
    fail(`expected version ${PARTITION_FILE_VERSION}, found ${JSON.stringify(f.version)}`);
  const n = f.numSamples;
  if (!(typeof n === 'number' && Number.isInteger(n) && n >= 1))
    fail(`expected numSamples an integer >= 1, found ${JSON.stringify(n)}`);
  if (typeof f.labelsSha256 !== 'string')
    fail(`expected labelsSha256 a string, found ${JSON.stringify(f.labelsSha256)}`);
  const spec = parsePartitionSpec(f.spec, source);
  const shards = checkShards(f.shards, spec.numPeers, n as number, source);
  if (expect.dataset !== undefined && f.dataset !== expect.dataset) {
    fail(`expected dataset '${expect.dataset}', found ${JSON.stringify(f.dataset)}`);
  }
  if (expect.spec && !sameSpec(expect.spec, spec)) {
    fail(`expected spec ${JSON.stringify(withDefaults(expect.spec))}, found ${JSON.stringify(spec)}`);
  }
  if (expect.labels) {
    if (expect.labels.length !== n)
      fail(`expected numSamples ${expect.labels.length} (the labels given), found ${n}`);
    const digest = labelsDigest(expect.labels);
    if (digest !== f.labelsSha256)
      fail(`expected labelsSha256 ${digest} (the labels given), found ${f.labelsSha256}`);
    if (expect.verify) {
      const again = partition(expect.labels, spec);
      const p = again.findIndex(
        (s, k) => s.length !== shards[k]?.length || s.some((v, j) => v !== shards[k]?.[j]),
      );
      if (p >= 0)
        fail(
          `expected shards[${p}] to equal the shard recomputed from the recorded spec, found a different one`,
        );
    }
  }
  return { spec, shards, ...(typeof f.dataset === 'string' ? { dataset: f.dataset } : {}) };
}

/** Read and validate a partition file. */
export async function loadPartition(
  path: string,
  expect: PartitionExpectations = {},
): Promise<{ spec: PartitionSpec; shards: Partition; dataset?: string }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new PartitionFileError(
      `Error in ${path}: expected a readable JSON file, found: ${(err as Error).message}.`,
      {
        cause: err,
      },
    );
  }
  return partitionFromJson(json, path, expect);
}
