import * as nodeModule from 'node:module';
import { GradientsUnavailableError } from './errors.js';

let loaded: Promise<void> | undefined;

/**
 * Register tfjs-core's gradients (and chained ops such as `x.add(y)`) in this process.
 *
 * tfjs-core's Node bundle (`tf-core.node.js`) contains neither: they ship only as ES modules under
 * `dist/` whose relative imports have no `.js` suffix, which Node's ESM resolver rejects. A
 * synchronous resolve hook (Node >= 22.15) adds the suffix for imports inside that folder while
 * they load. The modules register into tfjs's global registries, which every copy of tfjs-core
 * in the process shares, so they serve the engine the backends use. Idempotent.
 */
export function registerTfjsGradients(): Promise<void> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<void> {
  // A namespace import: on Node < 22.15 the export is absent and a named import would fail to link.
  const { registerHooks } = nodeModule as Partial<typeof nodeModule>;
  if (typeof registerHooks !== 'function') {
    throw new GradientsUnavailableError(
      `Error in registerTfjsGradients: Node must provide module.registerHooks (Node >= 22.15), found Node ${process.versions.node}.`,
    );
  }
  const hooks = registerHooks({
    resolve(specifier, context, nextResolve) {
      const inCore = context.parentURL?.includes('/@tensorflow/tfjs-core/dist/') ?? false;
      if (inCore && specifier.startsWith('.') && !specifier.endsWith('.js')) {
        try {
          return nextResolve(`${specifier}.js`, context);
        } catch {
          return nextResolve(`${specifier}/index.js`, context);
        }
      }
      return nextResolve(specifier, context);
    },
  });
  try {
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
    await import('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js');
  } finally {
    hooks.deregister();
  }
}
