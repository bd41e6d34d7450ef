import { dilConv } from './dil_conv.js';

/** DARTS `dil_conv_3x3` (effective 5x5 receptive field). */
export const dilConv3x3 = dilConv(3);
