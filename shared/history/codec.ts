/**
 * Compact binary encoding of per-video counters for snapshot items. Numbers are LEB128 varints
 * (small deltas take one or two bytes instead of DynamoDB's per-number overhead in a List), and
 * signed deltas are zigzag-mapped first. Written by hand: it is twenty lines of arithmetic, and the
 * npm varint packages stop at 32 bits, while view counts are int64 (kept exact up to 2^53).
 */
export class CodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodecError';
  }
}

export function pushUint(out: number[], value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new CodecError(`Not an unsigned safe integer: ${value}`);
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** Zigzag: 0, -1, 1, -2, 2 ... -> 0, 1, 2, 3, 4 (arithmetic, so it works past 32 bits). */
export function zigzag(value: number): number {
  if (!Number.isSafeInteger(value)) throw new CodecError(`Not a safe integer: ${value}`);
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

export function unzigzag(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

export function pushInt(out: number[], value: number): void {
  pushUint(out, zigzag(value));
}

/** Sequential reader over a varint buffer. */
export class VarintReader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  uint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.bytes.length) throw new CodecError('Truncated varint');
      const b = this.bytes[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 0x80;
      if (scale > 2 ** 56) throw new CodecError('Varint too long');
    }
    return result;
  }

  int(): number {
    return unzigzag(this.uint());
  }
}

export function encodeUints(values: readonly number[]): Uint8Array {
  const out: number[] = [];
  for (const v of values) pushUint(out, v);
  return Uint8Array.from(out);
}

export function decodeUints(bytes: Uint8Array): number[] {
  const r = new VarintReader(bytes);
  const out: number[] = [];
  while (!r.done) out.push(r.uint());
  return out;
}
