/** The eight DARTS candidate operations, in DARTS order (the order of every edge's alpha vector). */
export const OP_NAMES = [
  'none',
  'max_pool_3x3',
  'avg_pool_3x3',
  'skip_connect',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'dil_conv_3x3',
  'dil_conv_5x5',
] as const;

/** Name of a DARTS candidate operation. */
export type OpName = (typeof OP_NAMES)[number];

/** True when `name` is one of the DARTS operations. */
export function isOpName(name: string): name is OpName {
  return (OP_NAMES as readonly string[]).includes(name);
}
