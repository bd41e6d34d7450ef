import { pool3x3 } from './pool.js';

/** DARTS `max_pool_3x3`: MaxPool(3, stride, pad 1) + non-affine BN. */
export const maxPool3x3 = pool3x3('max');
