/** Conversion and display functions: to_number, to_string, number_format, currency_format. */
import { boundedMemo } from '../cache.ts';
import { isNumericString, toNumber, toText, type Value } from '../values.ts';
import { compileNumberPattern, NumberPatternError } from './number-format.ts';
import { constant, simple, type ScalarDef } from './types.ts';

const GROUPED_NUMBER = /^\s*[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\s*$/;

function toNumberLoose(a: Value): Value {
  if (typeof a === 'number') return a;
  if (typeof a === 'string') {
    if (isNumericString(a)) return Number(a);
    if (GROUPED_NUMBER.test(a)) return Number(a.replace(/,/g, ''));
    return null;
  }
  return toNumber(a);
}

const numberFormat: ScalarDef = {
  min: 2,
  max: 2,
  bind(consts, ctx) {
    const fixed = constant(consts, 1);
    let format: ((x: number) => string) | null = null;
    if (typeof fixed === 'string') {
      try {
        format = compileNumberPattern(fixed);
      } catch (error) {
        ctx.fail(1, (error as Error).message);
      }
    }
    const patterns = boundedMemo(100, (pattern: string) => {
      try {
        return compileNumberPattern(pattern);
      } catch (error) {
        if (error instanceof NumberPatternError) return null;
        throw error;
      }
    });
    return (a: Value, b: Value) => {
      const x = toNumber(a);
      if (x === null || b === null) return null;
      const perRow = format ?? patterns(String(toText(b)));
      return perRow ? perRow(x) : null;
    };
  },
};

/** Currency of a locale's region, for currency_format(x, 'de_DE'). */
const REGION_CURRENCY: Record<string, string> = {
  US: 'USD', GB: 'GBP', DE: 'EUR', FR: 'EUR', ES: 'EUR', IT: 'EUR', NL: 'EUR', IE: 'EUR', AT: 'EUR', BE: 'EUR',
  PT: 'EUR', FI: 'EUR', JP: 'JPY', IN: 'INR', CA: 'CAD', AU: 'AUD', CN: 'CNY', BR: 'BRL', CH: 'CHF', KR: 'KRW',
  MX: 'MXN', SE: 'SEK', NO: 'NOK', DK: 'DKK', PL: 'PLN', SG: 'SGD', HK: 'HKD', NZ: 'NZD', ZA: 'ZAR', TR: 'TRY',
};

const currencyFormats = boundedMemo(200, (key: string): Intl.NumberFormat | string => {
  const [locale, currency] = key.split('|') as [string, string];
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency });
  } catch {
    return `unknown locale or currency "${locale}", "${currency}"`;
  }
});

/**
 * currency_format(x) -> "$1,234.57"; currency_format(x, 'EUR') -> "€1,234.57";
 * currency_format(x, 'de_DE') -> "1.234,57 €"; currency_format(x, 'en_GB', 'USD') -> "US$1,234.57".
 * Returns an error text instead of a formatter for a bad locale or currency.
 */
export function currencyFormatter(a?: string, b?: string): Intl.NumberFormat | string {
  let locale = 'en-US';
  let currency = 'USD';
  if (a !== undefined && /^[A-Za-z]{3}$/.test(a) && b === undefined) currency = a.toUpperCase();
  else if (a !== undefined) {
    locale = a.replace(/_/g, '-');
    const region = /-([A-Za-z]{2})$/.exec(locale)?.[1]?.toUpperCase();
    currency = b?.toUpperCase() ?? (region ? REGION_CURRENCY[region] ?? '' : '');
    if (!currency) return `no currency known for locale "${a}": pass it, e.g. currency_format(x, '${a}', 'EUR')`;
  }
  return currencyFormats(`${locale}|${currency}`);
}

const currencyFormat: ScalarDef = {
  min: 1,
  max: 3,
  bind(consts, ctx) {
    const allConstant = consts.slice(1).every((c, i) => constant(consts, i + 1) !== undefined && (c === null || typeof c === 'string'));
    let fixed: Intl.NumberFormat | null = null;
    if (allConstant) {
      const made = currencyFormatter(consts[1] as string | undefined ?? undefined, consts[2] as string | undefined ?? undefined);
      fixed = typeof made === 'string' ? ctx.fail(1, made) : made;
    }
    return (a: Value, b: Value, c: Value) => {
      const x = toNumber(a);
      if (x === null) return null;
      const format = fixed ?? currencyFormatter(b === undefined ? undefined : String(toText(b)), c === undefined ? undefined : String(toText(c)));
      return typeof format === 'string' ? null : format.format(x);
    };
  },
};

export const CONVERT_FUNCTIONS: Record<string, ScalarDef> = {
  to_number: simple(1, 1, toNumberLoose),
  to_string: simple(1, 1, (a: Value) => toText(a)),
  number_format: numberFormat,
  currency_format: currencyFormat,
};
