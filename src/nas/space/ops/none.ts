import type { OpFactory } from './types.js';

/** DARTS `none` (Zero): contributes nothing; never computed. */
export const noneOp: OpFactory = () => ({ apply: () => null });
