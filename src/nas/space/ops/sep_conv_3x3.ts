import { sepConv } from './sep_conv.js';

/** DARTS `sep_conv_3x3`. */
export const sepConv3x3 = sepConv(3);
