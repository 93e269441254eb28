/**
 * The opaque `nextToken` of every list: base64url of `{"<field>": "<position>"}`. A token only
 * carries a position inside the caller's own partition (the key is rebuilt from the caller's
 * tenant), and decoding accepts only what `valid` does, so a forged token cannot reach another
 * tenant's items; anything else is 400 `invalid_request` on `nextToken`.
 */
import { ValidationError } from '../errors.ts';

export interface PagingToken {
  encode(position: string): string;
  decode(token: string): string;
}

export function pagingToken(field: string, valid: (position: string) => boolean): PagingToken {
  return {
    encode: (position) => Buffer.from(JSON.stringify({ [field]: position }), 'utf8').toString('base64url'),
    decode: (token) => {
      try {
        const position = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>)[field];
        if (typeof position === 'string' && valid(position)) return position;
      } catch {
        // not JSON: refused below
      }
      throw new ValidationError('Invalid nextToken: pass the value of a previous response unchanged.', 'nextToken');
    },
  };
}
