import { Rng } from '../../src/util/rng.js';

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A syntactically valid (not real) base58btc peer ID, distinct per `i`. */
export function fakePeer(i: number): string {
  const rng = new Rng(`peer-${i}`);
  let s = '12D3KooW';
  for (let k = 0; k < 44; k++) s += B58[rng.int(B58.length)];
  return s;
}

/** `n` distinct fake peer IDs. */
export function fakePeers(n: number): string[] {
  return Array.from({ length: n }, (_, i) => fakePeer(i));
}

/** Normal random tensor of `n` entries with standard deviation `std`. */
export function randomTensor(n: number, seed: number | string, std = 1): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * std;
  return out;
}
