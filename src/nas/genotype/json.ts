import { GenotypeError } from '../errors.js';
import type { Genotype } from './types.js';
import { validateGenotype } from './validate.js';

/** JSON form of a genotype: `{"normal":[{"op":"sep_conv_3x3","input":0},...],"normalConcat":[2,3,4,5],...}`. */
export function genotypeToJSON(g: Genotype, space?: number): string {
  validateGenotype(g, {}, 'genotypeToJSON');
  const { normal, normalConcat, reduce, reduceConcat } = g;
  const strip = (es: Genotype['normal']) => es.map(({ op, input }) => ({ op, input }));
  return JSON.stringify(
    { normal: strip(normal), normalConcat, reduce: strip(reduce), reduceConcat },
    null,
    space,
  );
}

/** Parse and validate the JSON form (text or already-parsed object). Throws `GenotypeError`. */
export function genotypeFromJSON(json: string | unknown): Genotype {
  let obj: unknown = json;
  if (typeof json === 'string') {
    try {
      obj = JSON.parse(json);
    } catch (err) {
      throw new GenotypeError(
        `Error in genotypeFromJSON: json must be valid JSON, found ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }
  if (typeof obj !== 'object' || obj === null) {
    throw new GenotypeError(
      `Error in genotypeFromJSON: json must be an object, found ${JSON.stringify(obj)}`,
    );
  }
  const g = obj as Genotype;
  validateGenotype(g, {}, 'genotypeFromJSON');
  return {
    normal: g.normal.map(({ op, input }) => ({ op, input })),
    normalConcat: [...g.normalConcat],
    reduce: g.reduce.map(({ op, input }) => ({ op, input })),
    reduceConcat: [...g.reduceConcat],
  };
}
