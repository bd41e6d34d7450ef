import { classCounts } from './image-set.js';
import { describeSpec, withDefaults } from './partition/index.js';
import type { Partition, PartitionScheme, PartitionSpec } from './partition/types.js';
import type { Dataset } from './types.js';

/** One peer's line of a partition report. */
export interface PeerReport {
  index: number;
  size: number;
  /** Samples per class, indexed by class. */
  labels: number[];
  /** Number of classes with at least one sample. */
  classes: number;
}

/** What `fedmetanas data` prints: a partition of a dataset's train part, per peer and per class. */
export interface PartitionReport {
  dataset: string;
  partition: PartitionScheme;
  seed: number;
  /** The spec with defaults made explicit. */
  params: PartitionSpec;
  source: string;
  numSamples: number;
  numClasses: number;
  classNames: readonly string[];
  testSamples: number;
  peers: PeerReport[];
  summary: {
    minSize: number;
    maxSize: number;
    meanSize: number;
    stdSize: number;
    meanClassesPerPeer: number;
    classesCovered: number;
  };
}

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Summarise a partition of `dataset.train`. */
export function partitionReport(dataset: Dataset, spec: PartitionSpec, shards: Partition): PartitionReport {
  const peers = shards.map((s, index) => {
    const labels = classCounts(dataset.train.labels, dataset.numClasses, s);
    return { index, size: s.length, labels, classes: labels.filter((c) => c > 0).length };
  });
  const sizes = peers.map((p) => p.size);
  const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
  const variance = sizes.reduce((a, b) => a + (b - mean) ** 2, 0) / sizes.length;
  const covered = new Set(peers.flatMap((p) => p.labels.flatMap((c, k) => (c > 0 ? [k] : []))));
  return {
    dataset: dataset.name,
    partition: spec.scheme,
    seed: spec.seed,
    params: withDefaults(spec),
    source: dataset.source.location,
    numSamples: dataset.train.count,
    numClasses: dataset.numClasses,
    classNames: dataset.classNames,
    testSamples: dataset.test.count,
    peers,
    summary: {
      minSize: Math.min(...sizes),
      maxSize: Math.max(...sizes),
      meanSize: round(mean),
      stdSize: round(Math.sqrt(variance)),
      meanClassesPerPeer: round(peers.reduce((a, p) => a + p.classes, 0) / peers.length),
      classesCovered: covered.size,
    },
  };
}

/** Most classes shown as one column each; above that, a peer's largest classes are listed. */
export const MAX_CLASS_COLUMNS = 20;

/** A readable table of a report (zero counts shown as `.`). */
export function formatReportTable(r: PartitionReport): string {
  const s = r.summary;
  const lines = [
    `dataset    ${r.dataset} (${r.source}): ${r.numSamples} train / ${r.testSamples} test samples, ${r.numClasses} classes`,
    `partition  ${describeSpec(r.params)}, seed ${r.seed}, ${r.peers.length} peers`,
    '',
  ];
  const sizeW = Math.max(4, String(s.maxSize).length);
  const head = `${'peer'.padStart(4)}  ${'size'.padStart(sizeW)}  classes`;
  if (r.numClasses <= MAX_CLASS_COLUMNS) {
    const w = Math.max(3, ...r.peers.flatMap((p) => p.labels.map((c) => String(c).length)));
    const cols = r.classNames.map((_, k) => String(k).padStart(w)).join(' ');
    lines.push(`${head} | ${cols}`);
    for (const p of r.peers) {
      const cells = p.labels.map((c) => (c === 0 ? '.' : String(c)).padStart(w)).join(' ');
      lines.push(
        `${String(p.index).padStart(4)}  ${String(p.size).padStart(sizeW)}  ${String(p.classes).padStart(7)} | ${cells}`,
      );
    }
    lines.push('');
    if (r.classNames.some((n, k) => n !== String(k))) {
      lines.push(`classes    ${r.classNames.map((n, k) => `${k}=${n}`).join(' ')}`);
    }
  } else {
    lines.push(`${head} | largest classes (class:count)`);
    for (const p of r.peers) {
      const top = p.labels
        .map((c, k) => [k, c] as const)
        .filter(([, c]) => c > 0)
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, 8)
        .map(([k, c]) => `${k}:${c}`)
        .join(' ');
      lines.push(
        `${String(p.index).padStart(4)}  ${String(p.size).padStart(sizeW)}  ${String(p.classes).padStart(7)} | ${top}`,
      );
    }
    lines.push('');
  }
  lines.push(
    `sizes      min ${s.minSize}, mean ${s.meanSize}, max ${s.maxSize}, std ${s.stdSize}; ` +
      `classes per peer ${s.meanClassesPerPeer}; classes covered ${s.classesCovered}/${r.numClasses}`,
  );
  return lines.join('\n');
}
