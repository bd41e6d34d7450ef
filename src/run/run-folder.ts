import { appendFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** A run's output folder: every file a run writes goes through it. */
export class RunFolder {
  readonly path: string;

  private constructor(path: string) {
    this.path = path;
  }

  /** Create `<parent>/<name>` (and parents). */
  static async create(parent: string, name: string): Promise<RunFolder> {
    const path = resolve(parent, name);
    await mkdir(path, { recursive: true });
    return new RunFolder(path);
  }

  file(name: string): string {
    return join(this.path, name);
  }

  /** Write pretty JSON (with a final newline). */
  async writeJson(name: string, value: unknown): Promise<string> {
    const path = this.file(name);
    await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
    return path;
  }

  async writeText(name: string, text: string): Promise<string> {
    const path = this.file(name);
    await writeFile(path, text);
    return path;
  }

  /**
   * Append one JSON line, synchronously: progress written from inside a long synchronous computation
   * (a training round) reaches the disk at once, not when the event loop next runs.
   */
  appendJsonl(name: string, value: unknown): void {
    appendFileSync(this.file(name), `${JSON.stringify(value)}\n`);
  }
}

/** A default run-folder name: `<label>-<UTC time to the second>`, safe on every file system. */
export function defaultRunName(label: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${label}-${stamp}`;
}
