/**
 * Python's printf-style number formatting (`'%#8.4g' % x`), as statsmodels' summary uses it.
 *
 * JavaScript's toFixed/toPrecision differ from Python: they round exact binary ties away from zero
 * (Python rounds them to even: '%.2f' % 0.125 is '0.12'), print exponents as 'e+5' instead of
 * 'e+05', and have no '#' (keep trailing zeros and the point) flag. Rounding here is done exactly on
 * the binary value with BigInt, so every digit is the one Python prints.
 */

/** |x| = mantissa * 2^exponent, exactly (x finite and nonzero). */
function binaryParts(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { mantissa, exponent: -1074 };
  mantissa |= 1n << 52n;
  return { mantissa, exponent: biased - 1075 };
}

/** round(|x| * 10^scale) to an integer, ties to even, computed exactly. */
function roundScaled(x: number, scale: number): bigint {
  const { mantissa, exponent } = binaryParts(x);
  let num = mantissa;
  let den = 1n;
  if (scale >= 0) num *= 10n ** BigInt(scale);
  else den *= 10n ** BigInt(-scale);
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  const q = num / den;
  const twiceRemainder = (num % den) * 2n;
  if (twiceRemainder > den || (twiceRemainder === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** Digits of |x| rounded to `digits` significant digits, and the decimal exponent of the first. */
function significantDigits(x: number, digits: number): { text: string; exponent: number } {
  if (x === 0) return { text: '0'.repeat(digits), exponent: 0 };
  let exponent = Math.floor(Math.log10(Math.abs(x)));
  for (;;) {
    const q = roundScaled(x, digits - 1 - exponent);
    const text = q.toString();
    if (text.length > digits) exponent += 1;
    else if (text.length < digits) exponent -= 1;
    else return { text, exponent };
  }
}

function fixedAbs(x: number, precision: number, alternate: boolean): string {
  const text = x === 0 ? '0' : roundScaled(x, precision).toString();
  const padded = text.padStart(precision + 1, '0');
  const whole = padded.slice(0, padded.length - precision);
  const fraction = padded.slice(padded.length - precision);
  return precision > 0 ? `${whole}.${fraction}` : alternate ? `${whole}.` : whole;
}

function exponentAbs(x: number, precision: number, alternate: boolean): string {
  const { text, exponent } = significantDigits(x, precision + 1);
  const mantissa = precision > 0 ? `${text[0]}.${text.slice(1)}` : alternate ? `${text}.` : text;
  const sign = exponent < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

function generalAbs(x: number, precision: number, alternate: boolean): string {
  const digits = precision === 0 ? 1 : precision;
  const exponent = x === 0 ? 0 : significantDigits(x, digits).exponent;
  let text =
    exponent >= -4 && exponent < digits
      ? fixedAbs(x, digits - 1 - exponent, alternate)
      : exponentAbs(x, digits - 1, alternate);
  if (!alternate) {
    // %g drops trailing zeros (and a bare point) from the mantissa.
    const [mantissa, exp] = text.split('e');
    let m = mantissa;
    if (m.includes('.')) m = m.replace(/0+$/, '').replace(/\.$/, '');
    text = exp === undefined ? m : `${m}e${exp}`;
  }
  return text;
}

/** Python's repr() of a float: the shortest digits that round-trip, 'e-05'-style exponents. */
export function pyRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = x.toExponential().split('e');
  const exponent = Number(exp);
  const sign = x < 0 ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exponent >= -4 && exponent < 16) {
    let text: string;
    if (exponent >= 0) {
      const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
      const fraction = digits.slice(exponent + 1);
      text = `${whole}.${fraction || '0'}`;
    } else {
      text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
    }
    return sign + text;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${m}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

interface Spec {
  flags: string;
  width: number;
  precision: number | undefined;
  conversion: string;
}

function formatOne(spec: Spec, value: unknown): string {
  const { flags, width, conversion } = spec;
  const left = flags.includes('-');
  const alternate = flags.includes('#');
  const zeroPad = flags.includes('0') && !left;
  let body: string;
  let sign = '';
  if (conversion === 's') {
    body = typeof value === 'number' ? pyRepr(value) : String(value);
    if (spec.precision !== undefined) body = body.slice(0, spec.precision);
  } else {
    const x = Number(value);
    if (typeof value !== 'number' && typeof value !== 'bigint') {
      throw new TypeError(`%${conversion} format needs a number, got ${JSON.stringify(value)}`);
    }
    sign = x < 0 || Object.is(x, -0) ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
    const a = Math.abs(x);
    if (Number.isNaN(x)) {
      sign = flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
      body = 'nan';
    } else if (!Number.isFinite(x)) body = 'inf';
    else if (conversion === 'd' || conversion === 'i') {
      body = BigInt(Math.trunc(a)).toString();
      if (Math.trunc(a) === 0) sign = sign === '-' ? '' : sign;
    } else {
      const precision = spec.precision ?? 6;
      if (conversion === 'f' || conversion === 'F') body = fixedAbs(a, precision, alternate);
      else if (conversion === 'e' || conversion === 'E') body = exponentAbs(a, precision, alternate);
      else body = generalAbs(a, precision, alternate);
      if (conversion === 'E' || conversion === 'G') body = body.toUpperCase();
    }
  }
  const length = sign.length + body.length;
  if (length >= width) return sign + body;
  const fill = width - length;
  if (left) return sign + body + ' '.repeat(fill);
  if (zeroPad && conversion !== 's' && /^\d/.test(body)) return sign + '0'.repeat(fill) + body;
  return ' '.repeat(fill) + sign + body;
}

/**
 * `pyFormat('%#8.4g', x)` returns what Python's `'%#8.4g' % x` returns. Supports the flags
 * `-#0+ `, width, precision and the conversions s, d, i, f, e, g (and upper-case forms), `%%`.
 */
export function pyFormat(template: string, ...values: unknown[]): string {
  let next = 0;
  const out = template.replace(
    /%([-#0+ ]*)(\d+)?(?:\.(\d+))?([sdifFeEgG%])/g,
    (_match, flags: string, width: string | undefined, precision: string | undefined, conversion: string) => {
      if (conversion === '%') return '%';
      if (next >= values.length) {
        throw new Error(`pyFormat: template ${JSON.stringify(template)} needs more than ${values.length} value(s)`);
      }
      return formatOne(
        {
          flags,
          width: width === undefined ? 0 : Number(width),
          precision: precision === undefined ? undefined : Number(precision),
          conversion,
        },
        values[next++],
      );
    },
  );
  if (next !== values.length) {
    throw new Error(`pyFormat: template ${JSON.stringify(template)} takes ${next} value(s), got ${values.length}`);
  }
  return out;
}

/** Python's str.center: when the padding is odd, the extra space goes where CPython puts it. */
export function pyCenter(s: string, width: number): string {
  const margin = width - s.length;
  if (margin <= 0) return s;
  const left = Math.floor(margin / 2) + (margin & width & 1);
  return ' '.repeat(left) + s + ' '.repeat(margin - left);
}

/**
 * A p-value as statsmodels prints Prob (F-statistic), `%#.3g`: three significant digits, so 0.0312,
 * 0.000101, 1.01e-06 and 4.25e-07 each read the same way wherever the workbook shows one.
 */
export function formatPValue(p: number): string {
  return pyFormat('%#.3g', p);
}
