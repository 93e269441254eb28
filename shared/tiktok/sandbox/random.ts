/**
 * A seeded PRNG so the sandbox's accounts are the same on every run and machine.
 * mulberry32 is hand-written (8 lines) rather than a dependency: nothing installed offers a seeded
 * generator as a direct dependency, and its statistical quality is ample for fake stats.
 */
export type Rng = () => number;

export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [min, max]. */
export function randInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** A v4-shaped UUID from the generator (TikTok's open_id looks like one). */
export function seededUuid(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => randInt(rng, 0, 15).toString(16));
  hex[12] = '4';
  hex[16] = (8 + randInt(rng, 0, 3)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
