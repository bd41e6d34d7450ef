export { conv2d } from './conv2d.js';
export { depthwiseConv2d } from './depthwise_conv2d.js';
export { DEFAULT_CONV_OPTIONS } from './conv_args.js';
export type { ConvOptions, ConvPadding, ConvStrategyChoice } from './conv_args.js';
export { resolveConvStrategy } from './strategy.js';
