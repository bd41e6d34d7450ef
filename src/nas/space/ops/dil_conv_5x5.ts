import { dilConv } from './dil_conv.js';

/** DARTS `dil_conv_5x5` (effective 9x9 receptive field). */
export const dilConv5x5 = dilConv(5);
