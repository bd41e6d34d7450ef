/**
 * Cosine annealing of a learning rate over rounds (as `CosineAnnealingLR` stepped once per round):
 * lrMin + (lrMax - lrMin) * (1 + cos(pi * round / totalRounds)) / 2, with `round` clamped to `[0, totalRounds]`.
 */
export function cosineLr(round: number, totalRounds: number, lrMax: number, lrMin: number): number {
  if (totalRounds <= 0) return lrMax;
  const t = Math.min(Math.max(round, 0), totalRounds) / totalRounds;
  return lrMin + ((lrMax - lrMin) * (1 + Math.cos(Math.PI * t))) / 2;
}
