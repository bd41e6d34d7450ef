import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { KernelArgumentError } from '../errors.js';
import type { ConvPad } from './conv_geometry.js';

/** The attributes the conv backprop kernels share. `dilations` is an extension for the Conv2D pair. */
export interface ConvBackpropAttrs {
  strides: number | [number, number];
  dilations: number | [number, number];
  pad: ConvPad;
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined;
}

/** Read the conv attributes of `kernel` and reject the NCHW layout, which these kernels do not implement. */
export function convBackpropAttrs(kernel: string, attrs: NamedAttrMap): ConvBackpropAttrs {
  const dataFormat = attrs.dataFormat as string | undefined;
  if (dataFormat != null && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new KernelArgumentError(`Error in ${kernel}: dataFormat must be 'NHWC', found '${dataFormat}'.`);
  }
  return {
    strides: attrs.strides as number | [number, number],
    dilations: (attrs.dilations as number | [number, number] | undefined) ?? 1,
    pad: attrs.pad as ConvPad,
    dimRoundingMode: attrs.dimRoundingMode as ConvBackpropAttrs['dimRoundingMode'],
  };
}

/** Throw unless `dy` has the output shape the geometry implies. */
export function checkDyShape(kernel: string, dy: readonly number[], expected: readonly number[]): void {
  if (dy.length !== 4 || dy.some((v, i) => v !== expected[i])) {
    throw new KernelArgumentError(
      `Error in ${kernel}: dy must have shape [${expected.join(', ')}], found [${dy.join(', ')}].`,
    );
  }
}
