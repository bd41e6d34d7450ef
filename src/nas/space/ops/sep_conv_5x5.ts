import { sepConv } from './sep_conv.js';

/** DARTS `sep_conv_5x5`. */
export const sepConv5x5 = sepConv(5);
