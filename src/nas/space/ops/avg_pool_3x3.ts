import { pool3x3 } from './pool.js';

/** DARTS `avg_pool_3x3`: AvgPool(3, stride, pad 1, padding excluded) + non-affine BN. */
export const avgPool3x3 = pool3x3('avg');
