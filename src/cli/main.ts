import { COMMANDS } from './commands.js';
import { UsageError } from './errors.js';
import { FedMetaNasError } from '../errors.js';

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: fedmetanas <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `fedmetanas <command> --help` for the options of a command.',
  ].join('\n');
}

/** Entry point of the `fedmetanas` command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    const { installedVersion } = await import('../tensor/backend.js');
    console.log(installedVersion('fedmetanas') ?? 'unknown');
    return 0;
  }
  const entry = COMMANDS[name];
  try {
    if (!entry)
      throw new UsageError(`Unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}.`);
    const run = await entry.load();
    return await run(rest);
  } catch (err) {
    if (err instanceof FedMetaNasError) {
      console.error(`${err.name}: ${err.message}`);
      return err instanceof UsageError ? 2 : 1;
    }
    throw err;
  }
}
