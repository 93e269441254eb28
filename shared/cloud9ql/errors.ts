/** Stable machine-readable codes of every Cloud9QL failure. */
export type Cloud9QLErrorCode =
  | 'syntax_error' // the text is not Cloud9QL (unbalanced parentheses, unterminated string, trailing garbage...)
  | 'unknown_function' // a call to a function the catalogue does not have (named in the message)
  | 'wrong_arguments' // a known function called with the wrong number or kind of arguments
  | 'unknown_token' // a `$c9_...` relative date token that does not exist
  | 'invalid_query' // well-formed but meaningless: expand next to other items, aggregate in where, ...
  | 'invalid_argument' // a bad constant argument: date pattern, time zone, regex, unit, number pattern
  | 'invalid_input' // the data is not a JSON array or object
  | 'limit_exceeded'; // query length, statements, rows in/out or the evaluation step budget

/**
 * A query error. `line` and `column` are 1-based and point into the query text (for errors found while
 * running, at the construct that failed). The engine knows nothing of the API: shared/error-translation.ts
 * makes it the contract's `cloud9ql_error` (kind `unprocessable`, docs/architecture.md "Errors").
 */
export class Cloud9QLError extends Error {
  readonly code: Cloud9QLErrorCode;
  readonly line: number;
  readonly column: number;

  constructor(code: Cloud9QLErrorCode, message: string, line = 1, column = 1) {
    super(message);
    this.name = 'Cloud9QLError';
    this.code = code;
    this.line = line;
    this.column = column;
  }
}

/** 1-based line and column of a 0-based character offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** Builds errors positioned in one query text. */
export class ErrorFactory {
  constructor(readonly text: string) {}

  at(code: Cloud9QLErrorCode, message: string, offset: number): Cloud9QLError {
    const { line, column } = positionOf(this.text, offset);
    return new Cloud9QLError(code, `${message} (line ${line}, column ${column})`, line, column);
  }
}
