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
import { ols, wls, RegressionResults } from './ols';
import type { CovKwds, CovType, DesignInfo } from './ols';
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
  /** Each term (patsy's design_info.terms) with its factors and its columns [start, stop). */
  terms: { name: string; factors: string[]; start: number; stop: number }[];
  /** Levels of the categorical factors and which factors are categorical: new data is built with them. */
  factorKinds: FactorKinds;
}

/** What a design's factors were in the data it was fitted on. */
export interface FactorKinds {
  categorical: Map<string, boolean>;
  levels: Map<string, unknown[]>;
}

interface DesignOptions {
  /** Build new data as this fit's design: the same categorical factors and levels. */
  reference?: FactorKinds;
  /** New data without the response (predictions). */
  withoutResponse?: boolean;
  /** Columns whose missing values also drop a row (statsmodels' missing='drop' on weights). */
  alsoRequired?: string[];
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
  | { type: 'power'; base: Expr; exponent: Expr }
  /** first op1 e1 op2 e2 ... of one precedence, left to right (a list, so that long sums need no deep recursion) */
  | { type: 'chain'; first: Expr; rest: { op: string; expr: Expr }[] };

/** Deeper nesting than this is refused (Python's own parser stops at 200 parentheses). */
const MAX_NESTING = 200;

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
  const chain = (ops: string[], operand: (depth: number) => Expr, depth: number): Expr => {
    const first = operand(depth);
    const rest: { op: string; expr: Expr }[] = [];
    while (peek()?.kind === 'op' && ops.includes(peek()!.text)) {
      const op = tokens[pos++].text;
      rest.push({ op, expr: operand(depth) });
    }
    return rest.length ? { type: 'chain', first, rest } : first;
  };
  const additive = (depth: number): Expr => chain(['+', '-'], multiplicative, depth);
  const multiplicative = (depth: number): Expr => chain(['*', '/', '//', '%'], unary, depth);
  const unary = (depth: number): Expr => {
    if (depth > MAX_NESTING) fail(`it is nested more than ${MAX_NESTING} levels deep`);
    if (peek()?.kind === 'op' && (peek()!.text === '-' || peek()!.text === '+')) {
      const op = tokens[pos++].text;
      return { type: 'unary', op, arg: unary(depth + 1) };
    }
    return power(depth);
  };
  const power = (depth: number): Expr => {
    const base = atom(depth);
    if (peek()?.text === '**') {
      pos++;
      return { type: 'power', base, exponent: unary(depth + 1) };
    }
    return base;
  };
  const atom = (depth: number): Expr => {
    const t = peek();
    if (!t) return fail('it ends too early');
    pos++;
    if (t.kind === 'number') return { type: 'number', value: Number(t.text) };
    if (t.kind === 'string') return { type: 'string', value: t.text.slice(1, -1) };
    if (t.kind === 'op' && t.text === '(') {
      const inner = additive(depth + 1);
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
          args.push(additive(depth + 1));
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
  const expr = additive(0);
  if (pos !== tokens.length) fail(`unexpected ${JSON.stringify(tokens[pos].text)}`);
  return expr;
}

/** numpy functions of one argument a formula may call (as np.log(x) or log(x)); looked up as own keys only. */
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

/** a op b in double-double; division by zero gives numpy's inf or nan. */
function arithmetic(op: string, a: DD, b: DD, source: string): DD {
  switch (op) {
    case '+':
      return ddAdd(a, b, dd());
    case '-':
      return ddSub(a, b, dd());
    case '*':
      return ddMul(a, b, dd());
    case '/':
      return b.hi === 0 ? dd(a.hi / 0) : ddDiv(a, b, dd());
    case '//':
      return dd(Math.floor(a.hi / b.hi));
    case '%':
      return dd(a.hi - Math.floor(a.hi / b.hi) * b.hi);
    case '**':
      return Number.isInteger(b.hi) && b.lo === 0 && Math.abs(b.hi) <= 64 ? ddPowInt(a, b.hi) : dd(Math.pow(a.hi, b.hi));
  }
  throw new Error(`formula: operator ${op} is not supported in ${JSON.stringify(source)}.`);
}

const functionList = (): string => `I, Q, C, np.power, np.square, ${Object.keys(FUNCTIONS).map((k) => `np.${k}`).join(', ')}`;

/** Checks the calls in an expression (names of functions, numbers of arguments) before any row is read. */
function checkCalls(expr: Expr, source: string): void {
  const pending: Expr[] = [expr];
  while (pending.length) {
    const e = pending.pop()!;
    if (e.type === 'unary') pending.push(e.arg);
    else if (e.type === 'power') pending.push(e.base, e.exponent);
    else if (e.type === 'chain') pending.push(e.first, ...e.rest.map((r) => r.expr));
    else if (e.type === 'call') {
      const fn = e.fn.replace(/^(np|numpy)\./, '');
      const arity = fn === 'power' ? 2 : fn === 'I' || fn === 'Q' || fn === 'C' || fn === 'square' || Object.hasOwn(FUNCTIONS, fn) ? 1 : -1;
      if (arity < 0) throw new Error(`formula: unknown function ${e.fn}(...) in ${JSON.stringify(source)}; available: ${functionList()}.`);
      if (e.args.length !== arity && !(fn === 'C' && e.args.length > 1)) {
        throw new Error(`formula: ${e.fn}(...) takes ${arity} argument${arity > 1 ? 's' : ''}, got ${e.args.length}, in ${JSON.stringify(source)}.`);
      }
      if (fn !== 'Q') pending.push(...e.args);
    }
  }
}

/** Evaluate a numeric expression for one row; null means missing (as numpy's NaN, which patsy drops). */
function evaluate(expr: Expr, row: (name: string) => unknown, source: string): DD | null {
  const value = evaluateRaw(expr, row, source);
  return value === null || Number.isNaN(value.hi) ? null : value;
}

function evaluateRaw(expr: Expr, row: (name: string) => unknown, source: string): DD | null {
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
    case 'power': {
      const a = evaluate(expr.base, row, source);
      const b = evaluate(expr.exponent, row, source);
      return a === null || b === null ? null : arithmetic('**', a, b, source);
    }
    case 'chain': {
      let acc = evaluate(expr.first, row, source);
      for (const { op, expr: next } of expr.rest) {
        const b = evaluate(next, row, source);
        if (acc === null || b === null) return null;
        acc = arithmetic(op, acc, b, source);
      }
      return acc;
    }
    case 'call': {
      const fn = expr.fn.replace(/^(np|numpy)\./, '');
      if (fn === 'I') return evaluate(expr.args[0], row, source);
      if (fn === 'Q') {
        if (expr.args[0]?.type !== 'string') throw new Error(`formula: Q(...) takes a quoted column name, in ${JSON.stringify(source)}.`);
        return evaluate({ type: 'name', name: expr.args[0].value }, row, source);
      }
      if (fn === 'C') throw new Error(`formula: C(...) makes a categorical factor; it cannot be used inside arithmetic, in ${JSON.stringify(source)}.`);
      const args = expr.args.map((a) => evaluate(a, row, source));
      if (args.some((a) => a === null)) return null;
      const [x, y] = args as DD[];
      if (fn === 'power') return arithmetic('**', x, y, source);
      if (fn === 'square') return ddMul(x, x, dd());
      if (!Object.hasOwn(FUNCTIONS, fn)) throw new Error(`formula: unknown function ${expr.fn}(...) in ${JSON.stringify(source)}; available: ${functionList()}.`);
      return dd(FUNCTIONS[fn](x.hi + x.lo));
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
  const primary = (depth: number): Node => {
    if (depth > MAX_NESTING) fail(`it is nested more than ${MAX_NESTING} levels deep`);
    const t = tokens[pos];
    if (!t) return fail('it ends too early');
    if (t.kind === 'op' && t.text === '(') {
      pos++;
      const inner = binary(0, depth + 1);
      if (tokens[pos]?.text !== ')') fail('a "(" is not closed');
      pos++;
      return inner;
    }
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      pos++;
      return { type: 'unary', op: t.text, arg: primary(depth + 1) };
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
  const binary = (minPrecedence: number, depth: number): Node => {
    let left = primary(depth);
    for (;;) {
      const t = tokens[pos];
      const precedence = t && t.kind === 'op' ? FORMULA_PRECEDENCE[t.text] : undefined;
      if (precedence === undefined || precedence < minPrecedence) return left;
      pos++;
      const right = binary(precedence + 1, depth + 1);
      left = { type: 'binary', op: t.text, left, right };
    }
  };
  const node = binary(0, 0);
  if (pos !== tokens.length) fail(`unexpected ${JSON.stringify(tokens[pos].text)}`);
  return node;
}

/**
 * patsy's evaluation of a formula side into terms. Left-nested chains (a + b + c + ...) are walked
 * as a list, so a formula of thousands of terms needs no deep recursion; duplicates are removed at
 * the end (designMatrices), which gives the same terms in the same order.
 */
function evaluateTerms(node: Node, factorOf: (tokens: Token[]) => string): TermsExpr {
  const spine: Extract<Node, { type: 'binary' }>[] = [];
  let leftmost = node;
  while (leftmost.type === 'binary') {
    spine.push(leftmost);
    leftmost = leftmost.left;
  }
  let acc = evaluateLeaf(leftmost, factorOf);
  for (let i = spine.length - 1; i >= 0; i--) acc = combineTerms(acc, spine[i].op, spine[i].right, factorOf);
  return acc;
}

function evaluateLeaf(node: Node, factorOf: (tokens: Token[]) => string): TermsExpr {
  switch (node.type) {
    case 'factor':
      return { intercept: false, interceptRemoved: false, terms: [[factorOf(node.tokens)]] };
    case 'one':
      return { intercept: true, interceptRemoved: false, terms: [] };
    case 'zero':
      return { intercept: false, interceptRemoved: true, terms: [] };
    case 'unary':
      if (node.op === '+') return evaluateTerms(node.arg, factorOf);
      if (node.arg.type === 'one') return { intercept: false, interceptRemoved: true, terms: [] };
      if (node.arg.type === 'zero') return { intercept: true, interceptRemoved: false, terms: [] };
      throw new Error('formula: unary minus applies only to 0 or 1.');
    default:
      return evaluateTerms(node, factorOf);
  }
}

/** left op right, patsy's rules for +, -, :, * and /. `left` is this evaluation's own and may be changed. */
function combineTerms(left: TermsExpr, op: string, rightNode: Node, factorOf: (tokens: Token[]) => string): TermsExpr {
  const interaction = (a: TermsExpr, b: TermsExpr): Term[] => {
    const out: Term[] = [];
    for (const ta of a.terms) for (const tb of b.terms) out.push([...new Set([...ta, ...tb])]);
    return out;
  };
  if (op === '+') {
    if (rightNode.type === 'zero') return { intercept: false, interceptRemoved: true, terms: left.terms };
    const right = evaluateTerms(rightNode, factorOf);
    for (const t of right.terms) left.terms.push(t);
    if (right.intercept) return { intercept: true, interceptRemoved: false, terms: left.terms };
    return left;
  }
  if (op === '-') {
    if (rightNode.type === 'zero') return { intercept: true, interceptRemoved: false, terms: left.terms };
    if (rightNode.type === 'one') return { intercept: false, interceptRemoved: true, terms: left.terms };
    const right = evaluateTerms(rightNode, factorOf);
    const drop = new Set(right.terms.map(termKey));
    const terms = left.terms.filter((t) => !drop.has(termKey(t)));
    if (right.intercept) return { intercept: false, interceptRemoved: true, terms };
    return { ...left, terms };
  }
  const right = evaluateTerms(rightNode, factorOf);
  const none = { intercept: false, interceptRemoved: false };
  if (op === ':') return { ...none, terms: interaction(left, right) };
  if (op === '*') return { ...none, terms: [...left.terms, ...right.terms, ...interaction(left, right)] };
  if (op === '/') {
    const all: Term = [...new Set(left.terms.flat())];
    return { ...none, terms: [...left.terms, ...right.terms.map((t) => [...new Set([...all, ...t])])] };
  }
  throw new Error(`formula: operator ${op} is not supported.`);
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
export function designMatrices(formula: string, data: FormulaData, options: DesignOptions = {}): DesignMatrices {
  const { reference, withoutResponse = false, alsoRequired = [] } = options;
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
    checkCalls(expr, name);
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
    const pending: Expr[] = [valueExpr];
    while (pending.length) {
      const e = pending.pop()!;
      if (e.type === 'name') names.add(e.name);
      else if (e.type === 'call') {
        if (e.fn === 'Q' && e.args[0]?.type === 'string') names.add(e.args[0].value);
        else pending.push(...e.args);
      } else if (e.type === 'unary') pending.push(e.arg);
      else if (e.type === 'power') pending.push(e.base, e.exponent);
      else if (e.type === 'chain') pending.push(e.first, ...e.rest.map((r) => r.expr));
    }
    for (const n of names) {
      if (!columnSet.has(n)) {
        throw new Error(`formula: ${JSON.stringify(n)} (in ${name}) is not a column; the data has ${table.columns.map((c) => JSON.stringify(c)).join(', ')}.`);
      }
    }
    if (reference?.categorical.has(name)) categorical = reference.categorical.get(name)!;
    else if (!categorical && valueExpr.type === 'name') {
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
  const yName = withoutResponse ? normalize(lhsTokens) : factorOf(lhsTokens);
  if (!withoutResponse && factors.get(yName)!.categorical) throw new Error(`formula: the response ${yName} must be numeric.`);
  const rhs = evaluateTerms(parseFormulaSide(tokens.slice(tilde + 1), formula), factorOf);
  const terms: Term[] = uniqueTerms(rhs.interceptRemoved ? rhs.terms : [[], ...rhs.terms]);
  for (const column of alsoRequired) {
    if (!columnSet.has(column)) throw new Error(`formula: ${JSON.stringify(column)} is not a column; the data has ${table.columns.map((c) => JSON.stringify(c)).join(', ')}.`);
  }

  // Evaluate every factor on every row; a row with any missing value is dropped.
  const used = new Set(withoutResponse ? terms.flat() : [yName, ...terms.flat()]);
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
  for (const column of alsoRequired) for (let i = 0; i < table.n; i++) if (isMissing(table.get(i, column))) keep[i] = false;
  const rows = keep.flatMap((k, i) => (k ? [i] : []));
  if (rows.length === 0) throw new Error(`formula: no rows left after dropping rows with missing values in ${[...used].join(', ')}.`);

  // Levels per categorical factor (from the rows where that factor is present, as patsy sniffs them).
  const levels = new Map<string, unknown[]>();
  const categoricalOf = new Map<string, boolean>();
  for (const name of used) {
    categoricalOf.set(name, factors.get(name)!.categorical);
    if (!factors.get(name)!.categorical) continue;
    const seen = new Map<string, unknown>();
    for (const v of values.get(name)!) if (!isMissing(v)) seen.set(`${typeof v}:${String(v)}`, v);
    const known = reference?.levels.get(name);
    if (known) {
      const unseen = [...seen.values()].find((v) => !known.includes(v));
      if (unseen !== undefined) throw new Error(`formula: ${name} has the level ${JSON.stringify(unseen)}, which the fitted data did not have (levels ${known.map((l) => JSON.stringify(l)).join(', ')}).`);
    }
    levels.set(name, known ?? sortLevels([...seen.values()]));
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
  const termSlices: DesignMatrices['terms'] = [];
  for (const key of order) {
    const bucketTerms = buckets.get(key)!.map((t, i) => ({ t, i })).sort((a, b) => a.t.length - b.t.length || a.i - b.i).map((x) => x.t);
    const usedSubterms = new Set<string>();
    for (const term of bucketTerms) {
      const start = columns.length;
      for (const coding of pickContrasts(term.filter((f) => !isNumeric(f)), usedSubterms)) {
        buildSubterm(term, coding);
      }
      termSlices.push({ name: term.length ? term.join(':') : 'Intercept', factors: term.slice(), start, stop: columns.length });
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

  const yValues = withoutResponse ? [] : (values.get(yName)! as DD[]);
  return {
    y: withoutResponse ? [] : rows.map((r) => yValues[r].hi + yValues[r].lo),
    X: rows.map((_, i) => columns.map((c) => c.hi[i])),
    XLow: rows.map((_, i) => columns.map((c) => c.lo[i])),
    names,
    yName,
    rows,
    terms: termSlices,
    factorKinds: { categorical: categoricalOf, levels },
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

export interface FormulaOptions {
  covType?: CovType;
  /** As for ols, except that `groups` may name a column of the data. */
  covKwds?: Omit<CovKwds, 'groups'> & { groups?: string | ArrayLike<number | string> };
  useT?: boolean;
}

/** The fit's design_info: its terms, and how to build the design of new data (for getPrediction). */
function designInfoOf(formula: string, d: DesignMatrices): DesignInfo {
  return {
    terms: d.terms,
    build: (data: unknown) => {
      const table = toRecords(data as FormulaData);
      const built = designMatrices(formula, data as FormulaData, { reference: d.factorKinds, withoutResponse: true });
      if (built.rows.length !== table.n) {
        const missing = Array.from({ length: table.n }, (_, i) => i).find((i) => !built.rows.includes(i));
        throw new Error(`getPrediction: row ${missing} of the new data has a missing value in a variable of the formula; fill or drop it.`);
      }
      return built.X;
    },
  };
}

/** covKwds with `groups` read from the data's kept rows when it names a column. */
function resolveGroups(options: FormulaOptions, data: FormulaData, d: DesignMatrices): CovKwds | undefined {
  const kwds = options.covKwds;
  if (!kwds || typeof kwds.groups !== 'string') return kwds as CovKwds | undefined;
  const column = kwds.groups;
  const table = toRecords(data);
  if (!table.columns.includes(column)) throw new Error(`covKwds.groups: ${JSON.stringify(column)} is not a column; the data has ${table.columns.map((c) => JSON.stringify(c)).join(', ')}.`);
  const groups = d.rows.map((r) => {
    const g = table.get(r, column);
    if (isMissing(g)) throw new Error(`covKwds.groups: column ${JSON.stringify(column)} is missing in data row ${r}, which the fit uses; give every row a group.`);
    return g as number | string;
  });
  return { ...kwds, groups };
}

/** `smf.ols(formula, data).fit(cov_type=..., cov_kwds=...)`: the fit, with patsy's column names and terms. */
export function olsFormula(formula: string, data: FormulaData, options: FormulaOptions = {}): RegressionResults {
  const d = designMatrices(formula, data);
  const covKwds = resolveGroups(options, data, d);
  return ols(d.y, d.X, { names: d.names, yName: d.yName, covType: options.covType, covKwds, useT: options.useT, XLow: d.XLow, designInfo: designInfoOf(formula, d) });
}

/**
 * `smf.wls(formula, data, weights=...).fit(...)`: weights as a column name or one value per data
 * row; rows that the formula drops (or whose weight is missing) are dropped from the weights too.
 */
export function wlsFormula(formula: string, data: FormulaData, weights: string | ArrayLike<number>, options: FormulaOptions = {}): RegressionResults {
  const table = toRecords(data);
  if (typeof weights !== 'string' && (weights == null || weights.length !== table.n)) {
    throw new Error(`wlsFormula: weights must be a column name or one value per data row (${table.n}), got ${weights == null ? weights : `${weights.length} values`}.`);
  }
  const d = designMatrices(formula, data, { alsoRequired: typeof weights === 'string' ? [weights] : [] });
  const byRow = typeof weights === 'string' ? (r: number) => table.get(r, weights) as number : (r: number) => weights[r];
  const kept = d.rows.filter((r) => !isMissing(byRow(r)));
  const rows = kept.length === d.rows.length ? d : keepRows(d, kept);
  const covKwds = resolveGroups(options, data, rows);
  return wls(rows.y, rows.X, rows.rows.map(byRow), { names: rows.names, yName: rows.yName, covType: options.covType, covKwds, useT: options.useT, XLow: rows.XLow, designInfo: designInfoOf(formula, rows) });
}

/** The design restricted to some of its data rows. */
function keepRows(d: DesignMatrices, rows: number[]): DesignMatrices {
  const position = new Map(d.rows.map((r, i) => [r, i]));
  const at = rows.map((r) => position.get(r)!);
  return { ...d, y: at.map((i) => d.y[i]), X: at.map((i) => d.X[i]), XLow: at.map((i) => d.XLow[i]), rows };
}
