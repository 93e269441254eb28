import { Cloud9QLError } from './errors.ts';

/** Bounds that keep one query from taking a Lambda down. All are per `runCloud9QL` call. */
export interface Cloud9QLLimits {
  /** Longest accepted query text, in characters. */
  maxQueryLength: number;
  /** Most `;`-separated statements. */
  maxStatements: number;
  /** Most input rows (elements of the input array). */
  maxRowsIn: number;
  /** Most rows any statement may produce (expand can multiply rows). */
  maxRowsOut: number;
  /** Evaluation work budget: roughly one step per expression node per row, plus n·log n per sort key. */
  maxSteps: number;
  /** Longest text value the query may build (concat, replace, regex_replace, +), in characters. */
  maxStringLength: number;
  /** Most characters of text the query may build in total: an early estimate of the result's size. */
  maxTextTotal: number;
}

export const DEFAULT_LIMITS: Readonly<Cloud9QLLimits> = Object.freeze({
  maxQueryLength: 10_000,
  maxStatements: 50,
  maxRowsIn: 100_000,
  maxRowsOut: 100_000,
  maxSteps: 50_000_000,
  maxStringLength: 1_000_000, // 1 MB
  maxTextTotal: 64_000_000, // 64 MB
});

export function resolveLimits(overrides: Partial<Cloud9QLLimits> | undefined): Cloud9QLLimits {
  const limits = { ...DEFAULT_LIMITS };
  if (!overrides) return limits;
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Cloud9QLLimits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new TypeError(`Cloud9QL option ${key} must be a positive integer`);
    }
    limits[key] = value;
  }
  return limits;
}

/** Counts evaluation work; each phase charges its cost before it runs, so an over-budget phase never starts. */
export class StepBudget {
  private used = 0;
  constructor(private readonly max: number) {}

  charge(steps: number): void {
    this.used += steps;
    if (this.used > this.max) {
      throw new Cloud9QLError(
        'limit_exceeded',
        `The query needs more than the evaluation budget of ${this.max} steps; reduce the rows or simplify the query`,
      );
    }
  }

  get spent(): number {
    return this.used;
  }
}

/**
 * Counts text built by the query, checked as each value is made: nested string functions can grow a short
 * query into hundreds of MB long before the result is complete.
 */
export class TextBudget {
  private used = 0;
  constructor(
    readonly maxLength: number,
    private readonly maxTotal: number,
  ) {}

  /** Throws before a value of `length` characters is built (a replace can multiply its input). */
  willBuild(length: number): void {
    if (length > this.maxLength) {
      throw new Cloud9QLError('limit_exceeded', `The query builds a text value longer than the limit of ${this.maxLength} characters`);
    }
  }

  /** Passes `s` through, or throws limit_exceeded. */
  charge(s: string): string {
    this.willBuild(s.length);
    this.used += s.length;
    if (this.used > this.maxTotal) {
      throw new Cloud9QLError('limit_exceeded', `The query builds more than the limit of ${this.maxTotal} characters of text; select fewer rows or columns`);
    }
    return s;
  }
}
