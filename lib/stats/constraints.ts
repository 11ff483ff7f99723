/**
 * Linear restrictions R b = q on the parameters, as statsmodels takes them: a matrix R (q = 0), an
 * object { R, q }, or text in patsy's constraint syntax, e.g. 'lag1 = lag2', 'lag1 = 0, lag2 = 0',
 * '2 * x1 - x2 = 1', 'a = b = c'. Parameter names are matched longest first, as patsy does, so names
 * such as `C(g)[T.b]` work as written.
 */

export type Restrictions = string | string[] | ArrayLike<ArrayLike<number>> | ArrayLike<number> | { R: ArrayLike<ArrayLike<number>> | ArrayLike<number>; q?: ArrayLike<number> | number };

export interface LinearConstraint {
  R: number[][];
  q: number[];
}

type Token = { kind: 'name' | 'number' | 'op'; text: string; index?: number };

/** A linear combination of the parameters plus a constant: coefs (k) and constant. */
interface Lincomb {
  coefs: number[];
  constant: number;
}

type Node = { type: 'atom'; token: Token } | { type: 'unary'; op: string; arg: Node } | { type: 'binary'; op: string; left: Node; right: Node };

const PRECEDENCE: Record<string, number> = { ',': -100, '=': 0, '+': 100, '-': 100, '*': 200, '/': 200 };
const MAX_DEPTH = 200;

function tokenize(text: string, names: string[]): Token[] {
  const sorted = names.map((name, index) => ({ name, index })).sort((a, b) => b.name.length - a.name.length);
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if ('(),=+-*/'.includes(c)) {
      tokens.push({ kind: 'op', text: c });
      i++;
      continue;
    }
    const name = sorted.find((n) => n.name.length > 0 && text.startsWith(n.name, i));
    if (name) {
      tokens.push({ kind: 'name', text: name.name, index: name.index });
      i += name.name.length;
      continue;
    }
    const number = /^[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?/.exec(text.slice(i));
    if (number) {
      tokens.push({ kind: 'number', text: number[0] });
      i += number[0].length;
      continue;
    }
    throw new Error(`constraint ${JSON.stringify(text)}: ${JSON.stringify(text.slice(i, i + 12))} is not a parameter name; the names are ${names.map((n) => JSON.stringify(n)).join(', ')}.`);
  }
  return tokens;
}

function parse(tokens: Token[], text: string): Node {
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`constraint ${JSON.stringify(text)}: ${what}; write it as e.g. 'lag1 = lag2' or 'lag1 = 0, lag2 = 0'.`);
  };
  const primary = (depth: number): Node => {
    if (depth > MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} levels deep`);
    const t = tokens[pos];
    if (!t) return fail('it ends too early');
    pos++;
    if (t.kind !== 'op') return { type: 'atom', token: t };
    if (t.text === '(') {
      const inner = binary(-Infinity, depth + 1);
      if (tokens[pos]?.text !== ')') fail('a "(" is not closed');
      pos++;
      return inner;
    }
    if (t.text === '+' || t.text === '-') return { type: 'unary', op: t.text, arg: primary(depth + 1) };
    return fail(`unexpected ${JSON.stringify(t.text)}`);
  };
  const binary = (minPrecedence: number, depth: number): Node => {
    let left = primary(depth);
    for (;;) {
      const t = tokens[pos];
      const precedence = t?.kind === 'op' ? PRECEDENCE[t.text] : undefined;
      if (precedence === undefined || precedence < minPrecedence) return left;
      pos++;
      left = { type: 'binary', op: t.text, left, right: binary(precedence + 1, depth + 1) };
    }
  };
  if (tokens.length === 0) fail('it is empty');
  const node = binary(-Infinity, 0);
  if (pos !== tokens.length) fail(`unexpected ${JSON.stringify(tokens[pos].text)}`);
  return node;
}

/** patsy's _EvalConstraint: linear combinations, and constraints from "=" (chains allowed) and ",". */
function evaluate(node: Node, k: number, text: string): Lincomb | LinearConstraint {
  const fail = (what: string): never => {
    throw new Error(`constraint ${JSON.stringify(text)}: ${what}.`);
  };
  const isConstant = (l: Lincomb): boolean => l.coefs.every((c) => c === 0);
  const lincomb = (n: Node): Lincomb => {
    const v = evaluate(n, k, text);
    if ('R' in v) return fail('"=" or "," inside an expression');
    return v;
  };
  const asConstraint = (v: Lincomb | LinearConstraint): LinearConstraint => {
    if ('R' in v) return v;
    if (isConstant(v)) fail('a term is constant, with no parameters');
    return { R: [v.coefs], q: [-v.constant] };
  };
  if (node.type === 'atom') {
    const coefs = new Array<number>(k).fill(0);
    if (node.token.kind === 'name') {
      coefs[node.token.index!] = 1;
      return { coefs, constant: 0 };
    }
    return { coefs, constant: Number(node.token.text) };
  }
  if (node.type === 'unary') {
    const a = lincomb(node.arg);
    return node.op === '-' ? { coefs: a.coefs.map((c) => -c), constant: -a.constant } : a;
  }
  const { op } = node;
  if (op === ',') {
    const a = asConstraint(evaluate(node.left, k, text));
    const b = asConstraint(evaluate(node.right, k, text));
    return { R: [...a.R, ...b.R], q: [...a.q, ...b.q] };
  }
  if (op === '=') {
    // "a = b = c" parses as "(a = b) = c": keep a = b, then b = c
    let constraints: LinearConstraint = { R: [], q: [] };
    let leftNode = node.left;
    if (leftNode.type === 'binary' && leftNode.op === '=') {
      constraints = asConstraint(evaluate(leftNode, k, text));
      leftNode = leftNode.right;
    }
    const left = lincomb(leftNode);
    const right = lincomb(node.right);
    const coefs = left.coefs.map((c, j) => c - right.coefs[j]);
    if (coefs.every((c) => c === 0)) fail('no parameters appear in a constraint');
    return { R: [...constraints.R, coefs], q: [...constraints.q, right.constant - left.constant] };
  }
  const a = lincomb(node.left);
  const b = lincomb(node.right);
  if (op === '+') return { coefs: a.coefs.map((c, j) => c + b.coefs[j]), constant: a.constant + b.constant };
  if (op === '-') return { coefs: a.coefs.map((c, j) => c - b.coefs[j]), constant: a.constant - b.constant };
  if (op === '*') {
    if (isConstant(a)) return { coefs: b.coefs.map((c) => c * a.constant), constant: b.constant * a.constant };
    if (isConstant(b)) return { coefs: a.coefs.map((c) => c * b.constant), constant: a.constant * b.constant };
    return fail('a product of two parameters is not linear');
  }
  if (!isConstant(b)) fail('dividing by a parameter is not linear');
  return { coefs: a.coefs.map((c) => c / b.constant), constant: a.constant / b.constant };
}

/** R and q from any accepted form, checked against the k parameter names. */
export function linearConstraint(restrictions: Restrictions, names: string[]): LinearConstraint {
  const k = names.length;
  if (typeof restrictions === 'string' || (Array.isArray(restrictions) && restrictions.length > 0 && typeof restrictions[0] === 'string')) {
    const texts = typeof restrictions === 'string' ? [restrictions] : (restrictions as unknown[]);
    const out: LinearConstraint = { R: [], q: [] };
    for (const text of texts) {
      if (typeof text !== 'string') throw new Error(`constraints: expected strings, got ${JSON.stringify(text)}.`);
      const v = evaluate(parse(tokenize(text, names), text), k, text);
      const c = 'R' in v ? v : (() => {
        if (v.coefs.every((x) => x === 0)) throw new Error(`constraint ${JSON.stringify(text)}: a term is constant, with no parameters.`);
        return { R: [v.coefs], q: [-v.constant] };
      })();
      out.R.push(...c.R);
      out.q.push(...c.q);
    }
    return out;
  }
  let rMatrix: ArrayLike<ArrayLike<number>> | ArrayLike<number>;
  let q: ArrayLike<number> | number | undefined;
  if (restrictions && typeof restrictions === 'object' && 'R' in restrictions) {
    rMatrix = restrictions.R;
    q = restrictions.q;
  } else rMatrix = restrictions as ArrayLike<ArrayLike<number>> | ArrayLike<number>;
  if (rMatrix == null || typeof rMatrix.length !== 'number' || rMatrix.length === 0) {
    throw new Error(`restrictions must be a matrix R (one row of ${k} coefficients per restriction), { R, q }, or text such as '${names[1] ?? names[0]} = 0'.`);
  }
  const rows: number[][] = typeof rMatrix[0] === 'number' ? [Array.from(rMatrix as ArrayLike<number>)] : Array.from(rMatrix as ArrayLike<ArrayLike<number>>, (r) => Array.from(r));
  rows.forEach((row, i) => {
    if (row.length !== k) throw new Error(`restriction row ${i} has ${row.length} coefficients; the model has ${k} parameters (${names.join(', ')}).`);
    row.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`restriction R[${i}][${j}] is ${JSON.stringify(v)}; coefficients must be finite numbers.`);
    });
  });
  const qs = q === undefined ? rows.map(() => 0) : typeof q === 'number' ? rows.map(() => q as number) : Array.from(q);
  if (qs.length !== rows.length) throw new Error(`restrictions: q has ${qs.length} values for ${rows.length} rows of R; give one per row.`);
  return { R: rows, q: qs };
}
