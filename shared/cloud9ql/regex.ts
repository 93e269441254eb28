/**
 * Regular expressions built from tenant text. They run on re2js (RE2: linear time in the input, no
 * backtracking), so no pattern can freeze the process; RE2 has no back-references or lookaround.
 */
import { RE2JS } from 're2js';

export const MAX_REGEX_LENGTH = 500;

/** RE2 lacks these; naming them beats RE2's generic "invalid escape" message. */
function unsupportedConstruct(source: string): string | null {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return `back-references (\\${next})`;
      if (!inClass && next === 'k' && source[i + 2] === '<') return 'named back-references (\\k<...>)';
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      if (source[i + 1] === ']') i++; // a leading ] is a literal in the class
    } else if (c === '(' && source[i + 1] === '?') {
      for (const look of ['(?<=', '(?<!', '(?=', '(?!']) {
        if (source.startsWith(look, i)) return `lookaround (${look}...)`;
      }
    }
  }
  return null;
}

/** Compiles `source` for RE2, or returns the reason it cannot (shown to the caller as a Cloud9QL error). */
export function compileUserRegex(source: string, caseInsensitive = false): RE2JS | string {
  if (source.length > MAX_REGEX_LENGTH) return `the regular expression is longer than ${MAX_REGEX_LENGTH} characters`;
  const construct = unsupportedConstruct(source);
  if (construct) return `the regular expression uses ${construct}, which is not supported (patterns run in linear time, RE2 syntax)`;
  try {
    return RE2JS.compile(source, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (error) {
    return `invalid regular expression: ${(error as Error).message}`;
  }
}
