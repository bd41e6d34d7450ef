export type { ArchValues, Genotype, GenotypeEdge } from './types.js';
export { concatOf, deriveCell, deriveGenotype } from './derive.js';
export { parseDartsGenotype, toDartsString } from './darts_string.js';
export { genotypeFromJSON, genotypeToJSON } from './json.js';
export { cellToDot, renderSvg } from './dot.js';
export { fullMasks, genotypeToMasks } from './masks.js';
export { validateGenotype, type GenotypeCheck } from './validate.js';
export { deriveModelGenotype, readArchValues, type ConfiguredModel } from './from_model.js';
