import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError, decodeUints, encodeUints, unzigzag, zigzag } from '../../shared/history/codec.ts';
import {
  VideoState,
  applyDelta,
  decodeDelta,
  decodeFull,
  diffVideos,
  encodeDelta,
  encodeFull,
  type Counters,
} from '../../shared/history/videos.ts';

const counters = fc.tuple(fc.nat(2 ** 40), fc.nat(2 ** 31), fc.nat(1e6), fc.nat(1e6)) as fc.Arbitrary<Counters>;
const videoId = fc.bigInt({ min: 10n ** 18n, max: 10n ** 19n - 1n }).map(String);
const catalogue = fc.uniqueArray(fc.tuple(videoId, counters), { selector: ([id]) => id, maxLength: 60 });

describe('varint codec', () => {
  it('round-trips unsigned integers up to 2^53 and signed ones through zigzag', () => {
    fc.assert(fc.property(fc.array(fc.maxSafeNat()), (values) => {
      expect(decodeUints(encodeUints(values))).toEqual(values);
    }));
    fc.assert(fc.property(fc.maxSafeInteger().filter((n) => Math.abs(n) < 2 ** 52), (n) => {
      expect(unzigzag(zigzag(n))).toBe(n);
    }));
  });

  it('encodes small numbers in one byte and rejects what it cannot represent', () => {
    expect(encodeUints([0, 1, 127]).length).toBe(3);
    expect(encodeUints([128]).length).toBe(2);
    expect(() => encodeUints([-1])).toThrow(CodecError);
    expect(() => encodeUints([1.5])).toThrow(CodecError);
    expect(() => decodeUints(Uint8Array.from([0x80]))).toThrow('Truncated');
  });
});

describe('per-video chains', () => {
  it('a full checkpoint round-trips, across any number of chunks', () => {
    fc.assert(
      fc.property(catalogue, fc.integer({ min: 30, max: 2000 }), (videos, budget) => {
        const map = new Map(videos);
        const chunks = encodeFull(map, budget);
        for (const c of chunks) expect(c.ids.length + c.data.length).toBeLessThanOrEqual(Math.max(budget, 64 + 1 + 40));
        expect(decodeFull(chunks).present()).toEqual(map);
      }),
    );
  });

  it('state + diff(state, next) == next, for any change (new, gone, up, down), chunked or not', () => {
    fc.assert(
      fc.property(catalogue, catalogue, fc.integer({ min: 20, max: 500 }), (before, after, budget) => {
        const prev = VideoState.of(new Map(before));
        const next = new Map(after);
        const chunks = encodeDelta(diffVideos(prev, next), budget);
        const replayed = prev.clone();
        applyDelta(replayed, decodeDelta(chunks));
        expect(replayed.present()).toEqual(next);
      }),
    );
  });

  it('stores only what changed, and a reappearing video comes back with its new counters', () => {
    const prev = VideoState.of(new Map<string, Counters>([['1', [10, 1, 0, 0]], ['2', [20, 2, 0, 0]], ['3', [30, 3, 0, 0]]]));
    const delta = diffVideos(prev, new Map<string, Counters>([['1', [10, 1, 0, 0]], ['3', [35, 2, 0, 0]], ['4', [0, 0, 0, 0]]]));
    expect(delta).toEqual({ newIds: ['4'], gone: [1], changes: [{ index: 2, diff: [5, -1, 0, 0] }] });
    applyDelta(prev, delta);
    const back = diffVideos(prev, new Map<string, Counters>([['2', [25, 2, 0, 0]]]));
    expect(back.newIds).toEqual(['2']);
    applyDelta(prev, back);
    expect(prev.present()).toEqual(new Map([['2', [25, 2, 0, 0]]]));
  });

  it('rejects ids that would break the encoding', () => {
    expect(() => encodeFull(new Map<string, Counters>([['a,b', [1, 1, 1, 1]]]))).toThrow(CodecError);
    expect(() => VideoState.of(new Map<string, Counters>([['', [1, 1, 1, 1]]]))).toThrow(CodecError);
  });

  it('an unchanged day is a tiny delta, and a 1,000-video checkpoint fits one item', () => {
    const videos = new Map<string, Counters>();
    for (let i = 0; i < 1000; i += 1) videos.set(String(7_300_000_000_000_000_000n + BigInt(i * 7919)), [1_000_000 + i, 50_000, 900, 300]);
    const full = encodeFull(videos);
    expect(full).toHaveLength(1);
    expect(full[0]!.ids.length + full[0]!.data.length).toBeLessThan(40_000);
    const none = encodeDelta(diffVideos(VideoState.of(videos), videos));
    expect(none).toEqual([{}]);
  });
});
