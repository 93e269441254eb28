/** One measured figure, with what it was compared against in the same run. */
export interface BenchResult {
  /** e.g. "cloud9ql: expand+where+order+limit (100k rows)". */
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  /** value / baseline.value (or as the bench defines it; say so in `note`). */
  ratio?: number;
  /** Target, e.g. "<= 3x hand loop". */
  target?: string;
  /** Whether the target was met, when there is one. */
  met?: boolean;
  note?: string;
}

export interface BenchModule {
  run(): Promise<BenchResult[]>;
}
