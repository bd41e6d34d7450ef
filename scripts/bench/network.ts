import { benchCompression, benchModelBroadcast } from '../../src/node/bench.js';

/** One JSON line of a network benchmark (same core fields as the tensor benchmarks). */
export interface NetworkBenchLine {
  name: string;
  backend: 'network';
  ms: number;
  [field: string]: unknown;
}

/** Network benchmark names, for `--filter`. */
export const NETWORK_BENCHES = ['network/broadcast/10MB-8peers', 'network/compression/2.5M-params'] as const;

/**
 * `network/broadcast/10MB-8peers`: a 10 MB model from the aggregator to 8 peers on loopback (signed
 * gossip announcement, pull by hash, verification, pnet on); `network/compression/...`: bytes on the wire
 * of one update per encoding, against dense fp32.
 */
export async function runNetworkBenches(
  filter: string,
  versions: Record<string, string>,
): Promise<NetworkBenchLine[]> {
  const out: NetworkBenchLine[] = [];
  const [broadcast, compression] = NETWORK_BENCHES;
  if (broadcast.startsWith(filter) || filter.startsWith(broadcast)) {
    const r = await benchModelBroadcast({ peers: 8, bytes: 10_000_000, psk: true });
    out.push({
      name: broadcast,
      backend: 'network',
      ms: r.totalMs,
      peers: r.peers,
      bytes: r.bytes,
      psk: r.psk,
      throughput_MBps: r.throughputMBps,
      announce_ms_max: Math.max(...r.announceMs),
      setup_ms: r.setupMs,
      versions,
    });
  }
  if (compression.startsWith(filter) || filter.startsWith(compression)) {
    for (const f of benchCompression(2_500_000, 0.01)) {
      out.push({
        name: `${compression}/${f.encoding}`,
        backend: 'network',
        ms: f.encodeMs + f.decodeMs,
        body_bytes: f.bodyBytes,
        wire_bytes: f.wireBytes,
        ratio_to_fp32: f.ratioToFp32,
        encode_ms: f.encodeMs,
        decode_ms: f.decodeMs,
        max_abs_error: f.maxAbsError,
        versions,
      });
    }
  }
  return out;
}
