import { FedMetaNasError } from '../errors.js';

// ---- learners (src/nas/learn) ----

/** A learner option is out of range or of the wrong kind. */
export class LearnerConfigError extends FedMetaNasError {}

// ---- model state (src/nas/state) ----

/** Base of every error about bytes that cannot be a valid encoded model state. */
export class ModelStateCorruptError extends FedMetaNasError {}

/** The encoded state is shorter than its fixed prefix or than the sizes its prefix declares. */
export class ModelStateTruncatedError extends ModelStateCorruptError {}

/** The encoded state does not start with the model-state magic bytes. */
export class ModelStateMagicError extends ModelStateCorruptError {}

/** The encoded state has a format version this build cannot read. */
export class ModelStateVersionError extends ModelStateCorruptError {}

/** The checksum stored with the encoded state does not match its contents. */
export class ModelStateChecksumError extends ModelStateCorruptError {}

/** Base of every error about a well-formed state that does not fit a model or another state. */
export class ModelStateMismatchError extends FedMetaNasError {}

/** The state was produced for another search-space configuration. */
export class ConfigHashMismatchError extends ModelStateMismatchError {}

/** Tensor names in the state and the model (or reference spec) differ. */
export class TensorNameMismatchError extends ModelStateMismatchError {}

/** A tensor's shape or length in the state differs from the model's (or reference spec's). */
export class TensorShapeMismatchError extends ModelStateMismatchError {}

// ---- aggregation (src/nas/aggregate) ----

/** Base of every aggregation failure. */
export class AggregationError extends FedMetaNasError {}

/** Aggregation was asked to combine no updates, or updates with no positive weight. */
export class EmptyAggregationError extends AggregationError {}

/** An aggregation rule was configured with impossible parameters (e.g. Krum with too few clients). */
export class AggregationConfigError extends AggregationError {}

/** An update holds NaN or infinite values. */
export class NonFiniteUpdateError extends AggregationError {}

/** An update's norm exceeds the accepted bound. */
export class UpdateNormError extends AggregationError {}

// ---- harness (src/nas/harness) ----

/** A harness option is out of range or inconsistent. */
export class HarnessConfigError extends FedMetaNasError {}

// ---- search space, relaxation, pruning, genotypes (src/nas/space, gumbel, anneal, pruning, genotype) ----

/** A search-space configuration that cannot be built (bad sizes, unknown ops, odd size at a reduction). */
export class SearchSpaceConfigError extends FedMetaNasError {}

/** Pruning masks whose keys or lengths do not match the alphas, or that leave an edge or node empty. */
export class MaskError extends FedMetaNasError {}

/** Invalid forward options (missing rng for a stochastic mode, bad temperature, bad input shape). */
export class ForwardOptionsError extends FedMetaNasError {}

/** Invalid arguments to a Gumbel-Softmax helper. */
export class GumbelError extends FedMetaNasError {}

/** An invalid temperature schedule. */
export class AnnealScheduleError extends FedMetaNasError {}

/** Invalid arguments to soft pruning or mask merging. */
export class PruningError extends FedMetaNasError {}

/** A genotype that is malformed or does not fit the search space. */
export class GenotypeError extends FedMetaNasError {}

/** A DARTS genotype string that cannot be parsed. */
export class GenotypeParseError extends FedMetaNasError {}

/** Graphviz `dot` is not on PATH (or failed), so a diagram cannot be rendered to SVG. */
export class GraphvizUnavailableError extends FedMetaNasError {}

/** Two parameters of one model were given the same name (a bug in the search-space code). */
export class DuplicateParamError extends FedMetaNasError {}
