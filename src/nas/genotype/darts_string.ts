import { GenotypeParseError } from '../errors.js';
import { isOpName } from '../space/ops/names.js';
import type { Genotype, GenotypeEdge } from './types.js';
import { validateGenotype } from './validate.js';

const list = (xs: number[]): string => `[${xs.join(', ')}]`;
const edges = (es: GenotypeEdge[]): string => `[${es.map((e) => `('${e.op}', ${e.input})`).join(', ')}]`;

/**
 * The DARTS `genotypes.py` form, e.g.
 * `Genotype(normal=[('sep_conv_3x3', 0), ('skip_connect', 1), ...], normal_concat=[2, 3, 4, 5], reduce=[...], reduce_concat=[2, 3, 4, 5])`,
 * with the same edge order as DARTS (per node, 2 entries).
 */
export function toDartsString(g: Genotype): string {
  validateGenotype(g, {}, 'toDartsString');
  return (
    `Genotype(normal=${edges(g.normal)}, normal_concat=${list(g.normalConcat)}, ` +
    `reduce=${edges(g.reduce)}, reduce_concat=${list(g.reduceConcat)})`
  );
}

type Value = number | string | Value[];

/** Tiny recursive-descent parser for the Python literal subset used by DARTS genotypes. */
class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  fail(expected: string): never {
    const found = this.i < this.s.length ? JSON.stringify(this.s.slice(this.i, this.i + 20)) : 'end of input';
    throw new GenotypeParseError(
      `Error in parseDartsGenotype: text must have ${expected} at offset ${this.i}, found ${found}`,
    );
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }

  peek(c: string): boolean {
    this.ws();
    return this.s.startsWith(c, this.i);
  }

  eat(c: string): void {
    if (!this.peek(c)) this.fail(`'${c}'`);
    this.i += c.length;
  }

  ident(): string {
    this.ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (!m) this.fail('an identifier');
    this.i += m[0].length;
    return m[0];
  }

  value(): Value {
    this.ws();
    const c = this.s[this.i];
    if (c === '[' || c === '(') return this.seq(c, c === '[' ? ']' : ')');
    if (c === "'" || c === '"') {
      const end = this.s.indexOf(c, this.i + 1);
      if (end < 0) this.fail('a closing quote');
      const str = this.s.slice(this.i + 1, end);
      this.i = end + 1;
      return str;
    }
    const num = /^-?\d+/.exec(this.s.slice(this.i));
    if (num) {
      this.i += num[0].length;
      return Number(num[0]);
    }
    const name = this.ident();
    if (name !== 'range' && name !== 'list') this.fail('a list, tuple, string, integer or range(...)');
    const args = this.seq('(', ')');
    if (name === 'list')
      return args.length === 1 && Array.isArray(args[0]) ? args[0] : this.fail('list(range(...))');
    const ints = args.every((a) => typeof a === 'number')
      ? (args as number[])
      : this.fail('integer range bounds');
    const [start, stop] =
      ints.length === 1 ? [0, ints[0]] : ints.length === 2 ? ints : this.fail('range(a, b)');
    return Array.from({ length: Math.max(stop - start, 0) }, (_, k) => start + k);
  }

  seq(open: string, close: string): Value[] {
    this.eat(open);
    const out: Value[] = [];
    while (!this.peek(close)) {
      out.push(this.value());
      if (!this.peek(close)) this.eat(',');
    }
    this.eat(close);
    return out;
  }

  end(): void {
    this.ws();
    if (this.i !== this.s.length) this.fail('nothing more');
  }
}

function toEdges(field: string, v: Value | undefined): GenotypeEdge[] {
  if (!Array.isArray(v))
    throw new GenotypeParseError(
      `Error in parseDartsGenotype: ${field} must be a list, found ${JSON.stringify(v)}`,
    );
  return v.map((t) => {
    if (
      !Array.isArray(t) ||
      t.length !== 2 ||
      typeof t[0] !== 'string' ||
      typeof t[1] !== 'number' ||
      !isOpName(t[0])
    ) {
      throw new GenotypeParseError(
        `Error in parseDartsGenotype: ${field} entries must be ('<DARTS op>', <int>), found ${JSON.stringify(t)}`,
      );
    }
    return { op: t[0], input: t[1] };
  });
}

function toInts(field: string, v: Value | undefined): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) {
    throw new GenotypeParseError(
      `Error in parseDartsGenotype: ${field} must be a list of integers or a range, found ${JSON.stringify(v)}`,
    );
  }
  return v as number[];
}

/**
 * Parse a DARTS genotype string (`Genotype(normal=[...], normal_concat=..., reduce=[...], reduce_concat=...)`);
 * quotes may be single or double, concat may be a list or `range(a, b)`. Throws `GenotypeParseError`.
 */
export function parseDartsGenotype(text: string): Genotype {
  const p = new Parser(text);
  if (p.ident() !== 'Genotype') p.fail("'Genotype'");
  p.eat('(');
  const fields = new Map<string, Value>();
  while (!p.peek(')')) {
    const key = p.ident();
    p.eat('=');
    fields.set(key, p.value());
    if (!p.peek(')')) p.eat(',');
  }
  p.eat(')');
  p.end();
  const g: Genotype = {
    normal: toEdges('normal', fields.get('normal')),
    normalConcat: toInts('normal_concat', fields.get('normal_concat')),
    reduce: toEdges('reduce', fields.get('reduce')),
    reduceConcat: toInts('reduce_concat', fields.get('reduce_concat')),
  };
  validateGenotype(g, {}, 'parseDartsGenotype');
  return g;
}
