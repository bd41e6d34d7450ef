import { spawnSync } from 'node:child_process';
import { GraphvizUnavailableError } from '../errors.js';
import type { CellType } from '../space/topology.js';
import type { Genotype } from './types.js';
import { validateGenotype } from './validate.js';

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Display name of state `s`: the cell inputs are `c_{k-2}` and `c_{k-1}`, nodes are `0, 1, ...`. */
function stateName(s: number): string {
  return s === 0 ? 'c_{k-2}' : s === 1 ? 'c_{k-1}' : String(s - 2);
}

/**
 * Graphviz DOT diagram of one cell of a genotype, laid out like DARTS' `visualize.py`: inputs on the
 * left (green), intermediate nodes (blue), the concatenated output `c_{k}` (yellow), op names on edges.
 */
export function cellToDot(g: Genotype, type: CellType): string {
  const nodes = validateGenotype(g, {}, 'cellToDot');
  const edges = g[type];
  const concat = type === 'normal' ? g.normalConcat : g.reduceConcat;
  const lines = [
    `digraph ${type} {`,
    '  rankdir=LR;',
    '  node [style=filled, shape=rect, align=center, fontsize=20, height=0.5, width=0.5, penwidth=2, fontname=times];',
    '  edge [fontsize=20, fontname=times];',
    `  ${quote(stateName(0))} [fillcolor=darkseagreen2];`,
    `  ${quote(stateName(1))} [fillcolor=darkseagreen2];`,
  ];
  for (let n = 0; n < nodes; n++) lines.push(`  ${quote(String(n))} [fillcolor=lightblue];`);
  edges.forEach((e, i) => {
    const node = Math.floor(i / 2);
    lines.push(
      `  ${quote(stateName(e.input))} -> ${quote(String(node))} [label=${quote(e.op)}, fillcolor=gray];`,
    );
  });
  lines.push(`  ${quote('c_{k}')} [fillcolor=palegoldenrod];`);
  for (const s of concat) lines.push(`  ${quote(stateName(s))} -> ${quote('c_{k}')} [fillcolor=gray];`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

/**
 * Render DOT text to SVG with Graphviz `dot -Tsvg`. Throws `GraphvizUnavailableError` when `dot` is not
 * on PATH or fails.
 */
export function renderSvg(dot: string, dotBinary = 'dot'): string {
  const r = spawnSync(dotBinary, ['-Tsvg'], { input: dot, encoding: 'utf8', timeout: 30_000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new GraphvizUnavailableError(
      code === 'ENOENT'
        ? `Error in renderSvg: Graphviz '${dotBinary}' must be on PATH, found none; install graphviz (e.g. apt-get install graphviz) or use the DOT text`
        : `Error in renderSvg: '${dotBinary}' must run, found ${r.error.message}`,
      { cause: r.error },
    );
  }
  if (r.status !== 0) {
    throw new GraphvizUnavailableError(
      `Error in renderSvg: '${dotBinary} -Tsvg' must exit 0, found status ${r.status}: ${r.stderr.trim()}`,
    );
  }
  return r.stdout;
}
