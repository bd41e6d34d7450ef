import {
  BACKEND_CHOICES,
  BACKEND_PACKAGES,
  INSTALL_HINTS,
  installedVersion,
  gpuVisible,
  resolveAuto,
} from '../../tensor/backend.js';
import type { ResolvedBackend } from '../../tensor/backend.js';
import { parseFlags } from '../args.js';

/** `fedmetanas backends [--json]`: which tensor backends are installed and what `auto` picks. */
export async function backendsCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('backends', argv, { json: { type: 'boolean' }, help: { type: 'boolean' } });
  if (values.help) {
    console.log('Usage: fedmetanas backends [--json]');
    return 0;
  }
  const rows = BACKEND_CHOICES.filter((b): b is ResolvedBackend => b !== 'auto').map((name) => ({
    name,
    package: BACKEND_PACKAGES[name],
    version: installedVersion(BACKEND_PACKAGES[name]) ?? null,
    install: INSTALL_HINTS[name],
  }));
  const report = { auto: resolveAuto(), gpuVisible: gpuVisible(), backends: rows };
  if (values.json) {
    console.log(JSON.stringify(report));
    return 0;
  }
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(15)} ${(r.version ?? 'not installed').padEnd(14)} ${r.version ? '' : r.install}`,
    );
  }
  console.log(`auto -> ${report.auto}${report.gpuVisible ? ' (GPU visible)' : ''}`);
  return 0;
}
