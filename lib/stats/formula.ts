/**
 * statsmodels' formula interface (`smf.ols('y ~ x1 + C(g) + I(x**2)', data)`), following patsy's
 * rules: `+`, `-`, `:` (interaction), `*` (a + b + a:b), `/`, parentheses, `- 1` / `+ 0` to drop the
 * intercept; `C(g)` and text/boolean columns as categorical with treatment coding (first sorted level
 * is the reference); `I(...)` arithmetic; `np.log(x)`-style functions; `Q('odd name')`. Rows where
 * any used variable is missing (null, undefined, NaN) are dropped, as statsmodels' missing='drop'.
 * Column names are patsy's: `Intercept`, `C(g)[T.b]`, `x:C(g)[T.b]`, `I(x ** 2)`.
 *
 * Term order and contrast choice follow patsy's build.py/redundancy.py: terms are bucketed by their
 * numeric factors (the bucket without numeric factors first), sorted by degree within a bucket, and a
 * categorical factor is coded full-rank only where the lower-order term it needs is absent.
 *
 * Arithmetic inside I(...) and powers are evaluated in double-double, so polynomial designs such as
 * NIST's Filip keep their digits (the low parts go to ols as XLow).
 */
import { DD, dd, ddAdd, ddDiv, ddMul, ddSub } from './doubledouble';
import { ols, OLSOptions, OLSResults } from './ols';
import { pyRepr } from './pyformat';

/** A danfojs DataFrame or anything with column names and row values. */
export interface DataFrameLike {
  columns: string[];
  values: unknown[][] | unknown[];
}

export type FormulaData = DataFrameLike | Record<string, unknown>[];

export interface DesignMatrices {
  y: number[];
  X: number[][];
  /** Low-order parts of X (X + XLow exactly), from double-double arithmetic. */
  XLow: number[][];
  names: string[];
  yName: string;
  /** Indices of the data rows used (rows with missing values dropped). */
  rows: number[];
}

// ---------------------------------------------------------------- tokens and factor expressions

type Token = { kind: 'name' | 'number' | 'string' | 'op'; text: string };

const OPERATORS = ['**', '//', '+', '-', '*', '/', '%', '(', ')', ',', ':', '~', '.', '[', ']', '='];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_]/.test(text[j])) j++;
      tokens.push({ kind: 'name', text: text.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(text.slice(i))!;
      tokens.push({ kind: 'number', text: m[0] });
      i += m[0].length;
    } else if (c === '"' || c === "'") {
      const j = text.indexOf(c, i + 1);
      if (j < 0) throw new Error(`formula: unterminated string starting at ${JSON.stringify(text.slice(i))}.`);
      tokens.push({ kind: 'string', text: text.slice(i, j + 1) });
      i = j + 1;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (!op) throw new Error(`formula: unexpected character ${JSON.stringify(c)} in ${JSON.stringify(text)}.`);
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    }
  }
  return tokens;
}

/** patsy's normalize_token_spacing: spaces around binary operators, after commas, none in calls. */
function normalize(tokens: Token[]): string {
  let out = '';
  tokens.forEach((t, i) => {
    const prev = tokens[i - 1];
    const binary =
      t.kind === 'op' &&
      ['**', '//', '+', '-', '*', '/', '%', '=='].includes(t.text) &&
      prev !== undefined &&
      !(prev.kind === 'op' && !([')', ']'].includes(prev.text)));
    if (binary) out += ` ${t.text} `;
    else if (t.kind === 'op' && t.text === ',') out += ', ';
    else out += t.text;
  });
  return out;
}

type Expr =
  | { type: 'number'; value: number }
  | { type: 'string'; value: string }
  | { type: 'name'; name: string }
  | { type: 'call'; fn: string; args: Expr[] }
  | { type: 'unary'; op: string; arg: Expr }
  | { type: 'binary'; op: string; left: Expr; right: Expr };

/** Parse a Python arithmetic expression (the inside of I(...), function calls, names). */
function parsePython(tokens: Token[], source: string): Expr {
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const fail = (what: string): never => {
    throw new Error(`formula: cannot read ${JSON.stringify(source)}: ${what}.`);
  };
  const expect = (text: string): void => {
    if (peek()?.text !== text) fail(`expected ${JSON.stringify(text)} at ${JSON.stringify(peek()?.text ?? 'the end')}`);
    pos++;
  };
  const additive = (): Expr => {
    let left = multiplicative();
    while (peek()?.kind === 'op' && (peek()!.text === '+' || peek()!.text === '-')) {
      const op = tokens[pos++].text;
      left = { type: 'binary', op, left, right: multiplicative() };
    }
    return left;
  };
  const multiplicative = (): Expr => {
    let left = unary();
    while (peek()?.kind === 'op' && ['*', '/', '//', '%'].includes(peek()!.text)) {
      const op = tokens[pos++].text;
      left = { type: 'binary', op, left, right: unary() };
    }
    return left;
  };
  const unary = (): Expr => {
    if (peek()?.kind === 'op' && (peek()!.text === '-' || peek()!.text === '+')) {
      const op = tokens[pos++].text;
      return { type: 'unary', op, arg: unary() };
    }
    return power();
  };
  const power = (): Expr => {
    const base = atom();
    if (peek()?.text === '**') {
      pos++;
      return { type: 'binary', op: '**', left: base, right: unary() };
    }
    return base;
  };
  const atom = (): Expr => {
    const t = peek();
    if (!t) return fail('it ends too early');
    pos++;
    if (t.kind === 'number') return { type: 'number', value: Number(t.text) };
    if (t.kind === 'string') return { type: 'string', value: t.text.slice(1, -1) };
    if (t.kind === 'op' && t.text === '(') {
      const inner = additive();
      expect(')');
      return inner;
    }
    if (t.kind === 'name') {
      let name = t.text;
      while (peek()?.text === '.' && tokens[pos + 1]?.kind === 'name') {
        name += '.' + tokens[pos + 1].text;
        pos += 2;
      }
      if (peek()?.text === '(') {
        pos++;
        const args: Expr[] = [];
        while (peek()?.text !== ')') {
          args.push(additive());
          if (peek()?.text === ',') pos++;
          else if (peek()?.text !== ')') fail(`expected "," or ")" at ${JSON.stringify(peek()?.text ?? 'the end')}`);
        }
        pos++;
        return { type: 'call', fn: name, args };
      }
      return { type: 'name', name };
    }
    return fail(`unexpected ${JSON.stringify(t.text)}`);
  };
  const expr = additive();
  if (pos !== tokens.length) fail(`unexpected ${JSON.stringify(tokens[pos].text)}`);
  return expr;
}

const FUNCTIONS: Record<string, (x: number) => number> = {
  log: Math.log,
  log10: Math.log10,
  log2: Math.log2,
  log1p: Math.log1p,
  exp: Math.exp,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  abs: Math.abs,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  tanh: Math.tanh,
};

function ddPowInt(base: DD, exponent: number): DD {
  let result = dd(1);
  let b = dd(base.hi, base.lo);
  let e = Math.abs(exponent);
  while (e > 0) {
    if (e & 1) result = ddMul(result, b, dd());
    b = ddMul(b, b, dd());
    e >>= 1;
  }
  return exponent < 0 ? ddDiv(dd(1), result, dd()) : result;
}

/** Evaluate a numeric expression for one row; null means missing. */
function evaluate(expr: Expr, row: (name: string) => unknown, source: string): DD | null {
  switch (expr.type) {
    case 'number':
      return dd(expr.value);
    case 'string':
      throw new Error(`formula: ${JSON.stringify(source)} uses the text ${JSON.stringify(expr.value)} as a number.`);
    case 'name': {
      const v = row(expr.name);
      if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return null;
      if (typeof v === 'boolean') return dd(v ? 1 : 0);
      if (typeof v !== 'number') {
        throw new Error(`formula: column ${JSON.stringify(expr.name)} holds ${JSON.stringify(v)}, not a number; wrap it in C(${expr.name}) to treat it as categorical.`);
      }
      return dd(v);
    }
    case 'unary': {
      const a = evaluate(expr.arg, row, source);
      if (a === null) return null;
      return expr.op === '-' ? dd(-a.hi, -a.lo) : a;
    }
    case 'binary': {
      const a = evaluate(expr.left, row, source);
      const b = evaluate(expr.right, row, source);
      if (a === null || b === null) return null;
      switch (expr.op) {
        case '+':
          return ddAdd(a, b, dd());
        case '-':
          return ddSub(a, b, dd());
        case '*':
          return ddMul(a, b, dd());
        case '/':
          return ddDiv(a, b, dd());
        case '//':
          return dd(Math.floor(a.hi / b.hi));
        case '%':
          return dd(a.hi - Math.floor(a.hi / b.hi) * b.hi);
        case '**':
          return Number.isInteger(b.hi) && b.lo === 0 && Math.abs(b.hi) <= 64 ? ddPowInt(a, b.hi) : dd(Math.pow(a.hi, b.hi));
      }
      throw new Error(`formula: operator ${expr.op} is not supported in ${JSON.stringify(source)}.`);
    }
    case 'call': {
      const fn = expr.fn.replace(/^(np|numpy)\./, '');
      if (fn === 'I') return evaluate(expr.args[0], row, source);
      if (fn === 'Q') {
        if (expr.args[0]?.type !== 'string') throw new Error(`formula: Q(...) takes a quoted column name, in ${JSON.stringify(source)}.`);
        return evaluate({ type: 'name', name: expr.args[0].value }, row, source);
      }
      const args = expr.args.map((a) => evaluate(a, row, source));
      if (args.some((a) => a === null)) return null;
      const [x, y] = args as DD[];
      if (fn === 'power') {
        if (expr.args.length !== 2) throw new Error(`formula: np.power takes two arguments, in ${JSON.stringify(source)}.`);
        return Number.isInteger(y.hi) && Math.abs(y.hi) <= 64 ? ddPowInt(x, y.hi) : dd(Math.pow(x.hi, y.hi));
      }
      if (fn === 'square') return ddMul(x, x, dd());
      const f = FUNCTIONS[fn];
      if (!f || expr.args.length !== 1) {
        throw new Error(
          `formula: unknown function ${expr.fn}(...) in ${JSON.stringify(source)}; available: I, Q, C, np.power, np.square, ${Object.keys(FUNCTIONS).map((k) => `np.${k}`).join(', ')}.`,
        );
      }
      return dd(f(x.hi + x.lo));
    }
  }
}

// ---------------------------------------------------------------- formula terms (patsy's desc.py)

interface Factor {
  name: string; // patsy's factor name: the normalized code
  categorical: boolean;
  expr: Expr;
}

type Term = string[]; // factor names, in order of appearance, no repeats
const termKey = (t: Term): string => [...t].sort().join('\u0000');

interface TermsExpr {
  intercept: boolean;
  interceptRemoved: boolean;
  terms: Term[];
}

function uniqueTerms(terms: Term[]): Term[] {
  const seen = new Set<string>();
  return terms.filter((t) => {
    const k = termKey(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

type Node =
  | { type: 'factor'; tokens: Token[] }
  | { type: 'one' }
  | { type: 'zero' }
  | { type: 'unary'; op: string; arg: Node }
  | { type: 'binary'; op: string; left: Node; right: Node };

const FORMULA_PRECEDENCE: Record<string, number> = { '+': 100, '-': 100, '*': 200, '/': 200, ':': 300 };

function parseFormulaSide(tokens: Token[], source: string): Node {
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`formula: cannot read ${JSON.stringify(source)}: ${what}.`);
  };
  const primary = (): Node => {
    const t = tokens[pos];
    if (!t) return fail('it ends too early');
    if (t.kind === 'op' && t.text === '(') {
      pos++;
      const inner = binary(0);
      if (tokens[pos]?.text !== ')') fail('a "(" is not closed');
      pos++;
      return inner;
    }
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      pos++;
      return { type: 'unary', op: t.text, arg: primary() };
    }
    if (t.kind === 'number') {
      pos++;
      if (t.text === '0') return { type: 'zero' };
      if (t.text === '1') return { type: 'one' };
      return fail(`the number ${t.text} is not a term (use 0 or 1 for the intercept)`);
    }
    if (t.kind === 'name') {
      // a factor: a dotted name, optionally called with balanced parentheses
      const start = pos;
      pos++;
      while (tokens[pos]?.text === '.' && tokens[pos + 1]?.kind === 'name') pos += 2;
      if (tokens[pos]?.text === '(') {
        let depth = 0;
        do {
          if (!tokens[pos]) fail('a "(" is not closed');
          if (tokens[pos].text === '(') depth++;
          if (tokens[pos].text === ')') depth--;
          pos++;
        } while (depth > 0);
      }
      return { type: 'factor', tokens: tokens.slice(start, pos) };
    }
    return fail(`unexpected ${JSON.stringify(t.text)}`);
  };
  const binary = (minPrecedence: number): Node => {
    let left = primary();
    for (;;) {
      const t = tokens[pos];
      const precedence = t && t.kind === 'op' ? FORMULA_PRECEDENCE[t.text] : undefined;
      if (precedence === undefined || precedence < minPrecedence) return left;
      pos++;
      const right = binary(precedence + 1);
      left = { type: 'binary', op: t.text, left, right };
    }
  };
  const node = binary(0);
  if (pos !== tokens.length) fail(`unexpected ${JSON.stringify(tokens[pos].text)}`);
  return node;
}

function evaluateTerms(node: Node, factorOf: (tokens: Token[]) => string): TermsExpr {
  const make = (intercept: boolean, interceptRemoved: boolean, terms: Term[]): TermsExpr => ({ intercept, interceptRemoved, terms: uniqueTerms(terms) });
  const interaction = (a: TermsExpr, b: TermsExpr): Term[] => {
    const out: Term[] = [];
    for (const ta of a.terms) for (const tb of b.terms) out.push([...new Set([...ta, ...tb])]);
    return out;
  };
  switch (node.type) {
    case 'factor':
      return make(false, false, [[factorOf(node.tokens)]]);
    case 'one':
      return make(true, false, []);
    case 'zero':
      return make(false, true, []);
    case 'unary': {
      if (node.op === '+') return evaluateTerms(node.arg, factorOf);
      if (node.arg.type === 'one') return make(false, true, []);
      if (node.arg.type === 'zero') return make(true, false, []);
      throw new Error('formula: unary minus applies only to 0 or 1.');
    }
    case 'binary': {
      const left = evaluateTerms(node.left, factorOf);
      if (node.op === '+') {
        if (node.right.type === 'zero') return make(false, true, left.terms);
        const right = evaluateTerms(node.right, factorOf);
        if (right.intercept) return make(true, false, [...left.terms, ...right.terms]);
        return make(left.intercept, left.interceptRemoved, [...left.terms, ...right.terms]);
      }
      if (node.op === '-') {
        if (node.right.type === 'zero') return make(true, false, left.terms);
        if (node.right.type === 'one') return make(false, true, left.terms);
        const right = evaluateTerms(node.right, factorOf);
        const drop = new Set(right.terms.map(termKey));
        const terms = left.terms.filter((t) => !drop.has(termKey(t)));
        if (right.intercept) return make(false, true, terms);
        return make(left.intercept, left.interceptRemoved, terms);
      }
      const right = evaluateTerms(node.right, factorOf);
      if (node.op === ':') return make(false, false, interaction(left, right));
      if (node.op === '*') return make(false, false, [...left.terms, ...right.terms, ...interaction(left, right)]);
      if (node.op === '/') {
        const all: Term = [...new Set(left.terms.flat())];
        return make(false, false, [...left.terms, ...right.terms.map((t) => [...new Set([...all, ...t])])]);
      }
      throw new Error(`formula: operator ${node.op} is not supported.`);
    }
  }
}

// ---------------------------------------------------------------- data access

function toRecords(data: FormulaData): { columns: string[]; get: (row: number, name: string) => unknown; n: number } {
  if (Array.isArray(data)) {
    const columns = [...new Set(data.flatMap((r) => Object.keys(r ?? {})))];
    return { columns, get: (row, name) => data[row][name], n: data.length };
  }
  if (data && Array.isArray((data as DataFrameLike).columns)) {
    const columns = (data as DataFrameLike).columns;
    const values = (data as DataFrameLike).values as unknown[];
    const rows = columns.length === 1 && values.length > 0 && !Array.isArray(values[0]) ? values.map((v) => [v]) : (values as unknown[][]);
    const index = new Map(columns.map((c, j) => [c, j]));
    return { columns, get: (row, name) => rows[row][index.get(name)!], n: rows.length };
  }
  throw new Error('formula: data must be a danfojs DataFrame or an array of records ({ column: value }).');
}

const isMissing = (v: unknown): boolean => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

/** patsy's level order: sorted; numbers numerically, text by code point, false before true. */
function sortLevels(levels: unknown[]): unknown[] {
  return [...levels].sort((a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
    if (typeof a !== typeof b) {
      throw new Error(`formula: a categorical column mixes ${typeof a} and ${typeof b} values (${JSON.stringify(a)}, ${JSON.stringify(b)}); make them one type.`);
    }
    const sa = String(a);
    const sb = String(b);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
}

/** How patsy prints a level inside [T.level] (Python's str()). */
function levelText(level: unknown): string {
  if (typeof level === 'boolean') return level ? 'True' : 'False';
  if (typeof level === 'number') return Number.isInteger(level) ? String(level) : pyRepr(level);
  return String(level);
}

// ---------------------------------------------------------------- design matrices

/** Parse `formula` and build y and X from `data` as patsy/statsmodels do. */
export function designMatrices(formula: string, data: FormulaData): DesignMatrices {
  const tokens = tokenize(formula);
  const tilde = tokens.findIndex((t) => t.text === '~');
  if (tilde <= 0 || tokens.slice(tilde + 1).some((t) => t.text === '~')) {
    throw new Error(`formula: ${JSON.stringify(formula)} needs exactly one "~" with the response on its left, e.g. "y ~ x1 + x2".`);
  }
  const table = toRecords(data);
  const columnSet = new Set(table.columns);
  const factors = new Map<string, Factor>();

  const factorOf = (factorTokens: Token[]): string => {
    const name = normalize(factorTokens);
    if (factors.has(name)) return name;
    const expr = parsePython(factorTokens, name);
    let categorical = false;
    let valueExpr = expr;
    if (expr.type === 'call' && expr.fn === 'C') {
      if (expr.args.length !== 1) {
        throw new Error(`formula: ${name}: only C(column) with the default treatment coding is supported.`);
      }
      categorical = true;
      valueExpr = expr.args[0];
    }
    const names = new Set<string>();
    const collect = (e: Expr): void => {
      if (e.type === 'name') names.add(e.name);
      else if (e.type === 'call') {
        if (e.fn === 'Q' && e.args[0]?.type === 'string') names.add(e.args[0].value);
        else e.args.forEach(collect);
      } else if (e.type === 'unary') collect(e.arg);
      else if (e.type === 'binary') {
        collect(e.left);
        collect(e.right);
      }
    };
    collect(valueExpr);
    for (const n of names) {
      if (!columnSet.has(n)) {
        throw new Error(`formula: ${JSON.stringify(n)} (in ${name}) is not a column; the data has ${table.columns.map((c) => JSON.stringify(c)).join(', ')}.`);
      }
    }
    if (!categorical && valueExpr.type === 'name') {
      // A bare column of text or booleans is categorical, as in patsy.
      for (let i = 0; i < table.n; i++) {
        const v = table.get(i, valueExpr.name);
        if (isMissing(v)) continue;
        categorical = typeof v === 'string' || typeof v === 'boolean';
        break;
      }
    }
    factors.set(name, { name, categorical, expr: valueExpr });
    return name;
  };

  const lhsTokens = tokens.slice(0, tilde);
  const yName = factorOf(lhsTokens);
  if (factors.get(yName)!.categorical) throw new Error(`formula: the response ${yName} must be numeric.`);
  const rhs = evaluateTerms(parseFormulaSide(tokens.slice(tilde + 1), formula), factorOf);
  const terms: Term[] = uniqueTerms(rhs.interceptRemoved ? rhs.terms : [[], ...rhs.terms]);

  // Evaluate every factor on every row; a row with any missing value is dropped.
  const used = new Set([yName, ...terms.flat()]);
  const values = new Map<string, unknown[]>();
  const keep = new Array<boolean>(table.n).fill(true);
  for (const name of used) {
    const f = factors.get(name)!;
    const column: unknown[] = new Array(table.n);
    for (let i = 0; i < table.n; i++) {
      const get = (col: string): unknown => table.get(i, col);
      let v: unknown;
      if (f.categorical) {
        v = f.expr.type === 'name' ? get(f.expr.name) : (() => { const r = evaluate(f.expr, get, name); return r === null ? null : r.hi + r.lo; })();
        if (f.expr.type === 'call' && f.expr.fn === 'Q' && f.expr.args[0]?.type === 'string') v = get(f.expr.args[0].value);
      } else {
        v = evaluate(f.expr, get, name);
      }
      if (isMissing(v)) keep[i] = false;
      column[i] = v;
    }
    values.set(name, column);
  }
  const rows = keep.flatMap((k, i) => (k ? [i] : []));
  if (rows.length === 0) throw new Error(`formula: no rows left after dropping rows with missing values in ${[...used].join(', ')}.`);

  // Levels per categorical factor (from the rows where that factor is present, as patsy sniffs them).
  const levels = new Map<string, unknown[]>();
  for (const name of used) {
    if (!factors.get(name)!.categorical) continue;
    const seen = new Map<string, unknown>();
    for (const v of values.get(name)!) if (!isMissing(v)) seen.set(`${typeof v}:${String(v)}`, v);
    levels.set(name, sortLevels([...seen.values()]));
  }

  // Bucket terms by their numeric factors; the bucket without numeric factors comes first.
  const isNumeric = (f: string): boolean => !factors.get(f)!.categorical;
  const bucketKey = (t: Term): string => t.filter(isNumeric).sort().join('\u0000');
  const buckets = new Map<string, Term[]>();
  for (const t of terms) {
    const k = bucketKey(t);
    if (!buckets.has(k)) buckets.set(k, []);
    buckets.get(k)!.push(t);
  }
  const order = [...buckets.keys()];
  if (buckets.has('')) order.splice(order.indexOf(''), 1), order.unshift('');

  const names: string[] = [];
  const columns: { hi: number[]; lo: number[] }[] = [];
  for (const key of order) {
    const bucketTerms = buckets.get(key)!.map((t, i) => ({ t, i })).sort((a, b) => a.t.length - b.t.length || a.i - b.i).map((x) => x.t);
    const usedSubterms = new Set<string>();
    for (const term of bucketTerms) {
      for (const coding of pickContrasts(term.filter((f) => !isNumeric(f)), usedSubterms)) {
        buildSubterm(term, coding);
      }
    }
  }

  function buildSubterm(term: Term, coding: Map<string, boolean>): void {
    // Each factor contributes columns: numeric -> itself; categorical -> dummies (full or reduced).
    const perFactor: { label: (c: number) => string; value: (row: number, c: number) => DD; count: number }[] = [];
    for (const f of term) {
      if (isNumeric(f)) {
        const col = values.get(f)! as DD[];
        perFactor.push({ label: () => f, value: (row) => col[row], count: 1 });
      } else if (coding.has(f)) {
        const full = coding.get(f)!;
        const lv = levels.get(f)!;
        const shown = full ? lv : lv.slice(1);
        const col = values.get(f)!;
        perFactor.push({
          label: (c) => `${f}[${full ? '' : 'T.'}${levelText(shown[c])}]`,
          value: (row, c) => dd(col[row] === shown[c] ? 1 : 0),
          count: shown.length,
        });
      }
    }
    // patsy: the left-most factor's columns vary fastest.
    const counts = perFactor.map((p) => p.count);
    const total = counts.reduce((a, b) => a * b, 1);
    for (let c = 0; c < total; c++) {
      const idx: number[] = [];
      let rest = c;
      for (const n of counts) {
        idx.push(rest % n);
        rest = Math.floor(rest / n);
      }
      names.push(perFactor.length === 0 ? 'Intercept' : perFactor.map((p, j) => p.label(idx[j])).join(':'));
      const hi: number[] = [];
      const lo: number[] = [];
      for (const r of rows) {
        let v = dd(1);
        perFactor.forEach((p, j) => {
          v = ddMul(v, p.value(r, idx[j]), dd());
        });
        hi.push(v.hi);
        lo.push(v.lo);
      }
      columns.push({ hi, lo });
    }
  }

  const yValues = values.get(yName)! as DD[];
  return {
    y: rows.map((r) => yValues[r].hi + yValues[r].lo),
    X: rows.map((_, i) => columns.map((c) => c.hi[i])),
    XLow: rows.map((_, i) => columns.map((c) => c.lo[i])),
    names,
    yName,
    rows,
  };
}

/**
 * patsy's pick_contrasts_for_term: expand the categorical factors into the subterms a term needs
 * beyond those already present in its bucket, then merge (a- absorbed into a-:b- gives a+:b-).
 * Returns, per subterm, which factors it holds and whether each is coded full-rank.
 */
function pickContrasts(categorical: string[], usedSubterms: Set<string>): Map<string, boolean>[] {
  // all subsets, shortest first, ties in the order of the factors
  const subsets: number[][] = [[]];
  for (let i = 0; i < categorical.length; i++) {
    const n = subsets.length;
    for (let s = 0; s < n; s++) subsets.push([...subsets[s], i]);
  }
  subsets.sort((a, b) => a.length - b.length || compareIndexLists(a, b));
  type Expanded = Map<string, boolean>; // factor -> includes intercept (full rank)
  const key = (s: Expanded): string => [...s.entries()].map(([f, full]) => `${f}${full ? '+' : '-'}`).sort().join('\u0000');
  const subterms: Expanded[] = [];
  for (const subset of subsets) {
    const st: Expanded = new Map(subset.map((i) => [categorical[i], false]));
    if (!usedSubterms.has(key(st))) subterms.push(st);
  }
  for (const st of subterms) usedSubterms.add(key(st));
  // simplify: a longer subterm absorbs a shorter one it contains (one factor more)
  const canAbsorb = (long: Expanded, short: Expanded): boolean =>
    long.size - short.size === 1 && [...short.entries()].every(([f, full]) => long.has(f) && long.get(f) === full);
  for (let changed = true; changed; ) {
    changed = false;
    outer: for (let s = 0; s < subterms.length; s++) {
      for (let l = s + 1; l < subterms.length; l++) {
        if (canAbsorb(subterms[l], subterms[s])) {
          const merged: Expanded = new Map(subterms[s]);
          for (const [f] of subterms[l]) if (!merged.has(f)) merged.set(f, true);
          subterms[l] = merged;
          subterms.splice(s, 1);
          changed = true;
          break outer;
        }
      }
    }
  }
  return subterms;
}

function compareIndexLists(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** `smf.ols(formula, data).fit(cov_type=...)`: the fit, with patsy's column names. */
export function olsFormula(formula: string, data: FormulaData, options: Pick<OLSOptions, 'covType'> = {}): OLSResults {
  const d = designMatrices(formula, data);
  return ols(d.y, d.X, { names: d.names, yName: d.yName, covType: options.covType, XLow: d.XLow });
}
