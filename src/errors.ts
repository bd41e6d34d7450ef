/**
 * Base class of every error the project throws on purpose. Each concern defines its own
 * subclasses (in its folder's `errors.ts`), each with a stable `name` that tests and logs use.
 */
export class FedMetaNasError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
