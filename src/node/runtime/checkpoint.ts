import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../../protocol/hash.js';
import { CHECKPOINT_META_FILE, CHECKPOINT_MODEL_FILE } from './constants.js';
import { CheckpointError } from './errors.js';

/** What `checkpoint.json` records next to `checkpoint.fmns`. */
export interface CheckpointMeta {
  /** The next round to run: the model is G_round, the result of round `round - 1`. */
  round: number;
  /** Hex SHA-256 of `checkpoint.fmns`. */
  hash: string;
  federation: string;
  configHash: string;
  /** Aggregator and contributors of the round that produced the model ('' / [] for G_0). */
  aggregator: string;
  contributors: readonly string[];
  savedAt: string;
}

/** A loaded checkpoint. */
export interface Checkpoint {
  meta: CheckpointMeta;
  model: Uint8Array;
}

/**
 * Save the global model and its metadata in `dir` (each file written to a temporary name and renamed,
 * the model first, so a crash leaves either the old or the new checkpoint, never a mix that verifies).
 */
export async function saveCheckpoint(
  dir: string,
  meta: Omit<CheckpointMeta, 'hash' | 'savedAt'>,
  model: Uint8Array,
): Promise<CheckpointMeta> {
  await mkdir(dir, { recursive: true });
  const full: CheckpointMeta = { ...meta, hash: sha256Hex(model), savedAt: new Date().toISOString() };
  await atomicWrite(join(dir, CHECKPOINT_MODEL_FILE), model);
  await atomicWrite(join(dir, CHECKPOINT_META_FILE), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}

/**
 * Load the checkpoint of `dir`, or undefined when there is none. Throws `CheckpointError` when it is
 * unreadable, when the model does not hash to the recorded hash, or when it belongs to another
 * federation or search configuration.
 */
export async function loadCheckpoint(
  dir: string,
  expected: { federation: string; configHash: string },
): Promise<Checkpoint | undefined> {
  const metaPath = join(dir, CHECKPOINT_META_FILE);
  let text: string;
  try {
    text = await readFile(metaPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CheckpointError(`Error in loadCheckpoint: ${metaPath} must be readable, found ${String(err)}`, {
      cause: err,
    });
  }
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(text) as CheckpointMeta;
  } catch (err) {
    throw new CheckpointError(`Error in loadCheckpoint: ${metaPath} must hold JSON, found ${String(err)}`, {
      cause: err,
    });
  }
  if (!Number.isSafeInteger(meta.round) || meta.round < 0) {
    throw new CheckpointError(
      `Error in loadCheckpoint: round in ${metaPath} must be an integer >= 0, found ${meta.round}`,
    );
  }
  if (meta.federation !== expected.federation || meta.configHash !== expected.configHash) {
    throw new CheckpointError(
      `Error in loadCheckpoint: ${metaPath} must belong to federation ${expected.federation} with config ${expected.configHash}, found ${meta.federation} with ${meta.configHash} (use another --data-dir)`,
    );
  }
  const modelPath = join(dir, CHECKPOINT_MODEL_FILE);
  let model: Uint8Array;
  try {
    model = new Uint8Array(await readFile(modelPath));
  } catch (err) {
    throw new CheckpointError(
      `Error in loadCheckpoint: ${modelPath} must be readable, found ${String(err)}`,
      { cause: err },
    );
  }
  const hash = sha256Hex(model);
  if (hash !== meta.hash) {
    throw new CheckpointError(
      `Error in loadCheckpoint: ${modelPath} must hash to ${meta.hash}, found ${hash}`,
    );
  }
  return { meta, model };
}

async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
