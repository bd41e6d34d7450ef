import { avgPool3x3 } from './avg_pool_3x3.js';
import { dilConv3x3 } from './dil_conv_3x3.js';
import { dilConv5x5 } from './dil_conv_5x5.js';
import { maxPool3x3 } from './max_pool_3x3.js';
import type { OpName } from './names.js';
import { noneOp } from './none.js';
import { sepConv3x3 } from './sep_conv_3x3.js';
import { sepConv5x5 } from './sep_conv_5x5.js';
import { skipConnect } from './skip_connect.js';
import type { OpFactory } from './types.js';

export { OP_NAMES, isOpName, type OpName } from './names.js';
export type { CandidateOp, OpContext, OpFactory } from './types.js';

/** Registry of the DARTS candidate operations by name. */
export const OPS: Readonly<Record<OpName, OpFactory>> = Object.freeze({
  none: noneOp,
  max_pool_3x3: maxPool3x3,
  avg_pool_3x3: avgPool3x3,
  skip_connect: skipConnect,
  sep_conv_3x3: sepConv3x3,
  sep_conv_5x5: sepConv5x5,
  dil_conv_3x3: dilConv3x3,
  dil_conv_5x5: dilConv5x5,
});
