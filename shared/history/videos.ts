/**
 * Per-video counters over time, stored compactly. A chain starts with a full checkpoint (every
 * present video's counters) and continues with daily deltas holding only what changed since the
 * previous stored day: new videos, gone (deleted or private) videos, and counter differences.
 * Videos are addressed by their position in the chain's id dictionary (the checkpoint's ids, then
 * each delta's new ids appended), so a changed video costs a small index gap plus four varints.
 * Both kinds are cut into chunks under a byte budget, because a DynamoDB item holds at most 400 KB.
 */
import { CodecError, VarintReader, pushInt, pushUint } from './codec.ts';

/** views, likes, comments, shares. */
export type Counters = readonly [number, number, number, number];

/** TikTok video ids are 19 digits; anything id-like is accepted, but never a comma (the separator). */
const VIDEO_ID_RE = /^[0-9A-Za-z_-]{1,64}$/;
/** A chunk's ids + binary data stay under this, leaving room for keys and attributes in 400 KB. */
export const DEFAULT_CHUNK_BYTES = 300_000;

export function assertVideoId(id: string): void {
  if (!VIDEO_ID_RE.test(id)) throw new CodecError(`Unsupported video id: ${JSON.stringify(id.slice(0, 80))}`);
}

/** The videos present on one day, by id. */
export type VideoCounters = ReadonlyMap<string, Counters>;

/** The decoded state of a chain on one day: the dictionary and the counters of present videos. */
export class VideoState {
  readonly ids: string[] = [];
  private readonly counters: Array<Counters | undefined> = [];
  private readonly index = new Map<string, number>();

  static of(videos: VideoCounters): VideoState {
    const s = new VideoState();
    for (const [id, c] of videos) s.append(id, c);
    return s;
  }

  /** Adds an id at the end of the dictionary (a reappearing id moves there). */
  append(id: string, counters: Counters): void {
    assertVideoId(id);
    this.index.set(id, this.ids.length);
    this.ids.push(id);
    this.counters.push(counters);
  }

  get size(): number {
    return this.ids.length;
  }

  indexOf(id: string): number | undefined {
    const i = this.index.get(id);
    return i !== undefined && this.counters[i] !== undefined ? i : undefined;
  }

  at(i: number): Counters | undefined {
    return this.counters[i];
  }

  setAt(i: number, counters: Counters | undefined): void {
    if (i < 0 || i >= this.ids.length) throw new CodecError(`Video index ${i} outside the dictionary (${this.ids.length})`);
    this.counters[i] = counters;
  }

  get(id: string): Counters | undefined {
    const i = this.indexOf(id);
    return i === undefined ? undefined : this.counters[i];
  }

  /** Present videos, in dictionary order. */
  present(): Map<string, Counters> {
    const out = new Map<string, Counters>();
    this.ids.forEach((id, i) => {
      const c = this.counters[i];
      if (c !== undefined && this.index.get(id) === i) out.set(id, c);
    });
    return out;
  }

  clone(): VideoState {
    return VideoState.of(this.present());
  }
}

export function totals(videos: Iterable<Counters>): Counters {
  const t = [0, 0, 0, 0];
  for (const c of videos) for (let k = 0; k < 4; k += 1) t[k]! += c[k]!;
  return t as unknown as Counters;
}

// ---- full checkpoints -------------------------------------------------------------------------

export interface FullChunk {
  /** Comma-joined ids, in dictionary order. */
  ids: string;
  /** Four varints per id: views, likes, comments, shares. */
  data: Uint8Array;
}

export function encodeFull(videos: VideoCounters, chunkBytes = DEFAULT_CHUNK_BYTES): FullChunk[] {
  const chunks: FullChunk[] = [];
  let ids: string[] = [];
  let data: number[] = [];
  let size = 0;
  const flush = (): void => {
    chunks.push({ ids: ids.join(','), data: Uint8Array.from(data) });
    ids = [];
    data = [];
    size = 0;
  };
  for (const [id, c] of videos) {
    assertVideoId(id);
    const entry: number[] = [];
    for (const v of c) pushUint(entry, v);
    const cost = id.length + 1 + entry.length;
    if (ids.length > 0 && size + cost > chunkBytes) flush();
    ids.push(id);
    data.push(...entry);
    size += cost;
  }
  if (ids.length > 0 || chunks.length === 0) flush();
  return chunks;
}

export function decodeFull(chunks: readonly FullChunk[]): VideoState {
  const state = new VideoState();
  for (const chunk of chunks) {
    const ids = chunk.ids === '' ? [] : chunk.ids.split(',');
    const r = new VarintReader(chunk.data);
    for (const id of ids) state.append(id, [r.uint(), r.uint(), r.uint(), r.uint()]);
    if (!r.done) throw new CodecError('Full chunk has more counters than ids');
  }
  return state;
}

// ---- deltas -----------------------------------------------------------------------------------

export interface Delta {
  /** Ids appended to the dictionary (new or reappearing videos), in order. */
  newIds: string[];
  /** Dictionary indices (before the append) of videos no longer present. */
  gone: number[];
  /** Counter differences by dictionary index (after the append); new videos differ from zero. */
  changes: Array<{ index: number; diff: Counters }>;
}

export interface DeltaChunk {
  newIds?: string;
  /** Ascending indices as varint gaps. */
  gone?: Uint8Array;
  /** Per change: index gap (varint), then four zigzag varints. */
  data?: Uint8Array;
}

/** What changed from `prev` to `current`. */
export function diffVideos(prev: VideoState, current: VideoCounters): Delta {
  const delta: Delta = { newIds: [], gone: [], changes: [] };
  const prevPresent = prev.present();
  prev.ids.forEach((id, i) => {
    if (prev.at(i) !== undefined && prev.indexOf(id) === i && !current.has(id)) delta.gone.push(i);
  });
  let next = prev.size;
  const pending: Array<{ index: number; diff: Counters }> = [];
  for (const [id, c] of current) {
    const before = prevPresent.get(id);
    let index: number;
    let base: Counters;
    if (before === undefined) {
      delta.newIds.push(id);
      index = next++;
      base = [0, 0, 0, 0];
    } else {
      index = prev.indexOf(id)!;
      base = before;
    }
    const diff = [c[0] - base[0], c[1] - base[1], c[2] - base[2], c[3] - base[3]] as const;
    if (diff.some((d) => d !== 0)) pending.push({ index, diff });
  }
  delta.changes = pending.sort((a, b) => a.index - b.index);
  return delta;
}

export function applyDelta(state: VideoState, delta: Delta): void {
  for (const i of delta.gone) state.setAt(i, undefined);
  for (const id of delta.newIds) state.append(id, [0, 0, 0, 0]);
  for (const { index, diff } of delta.changes) {
    const c = state.at(index);
    if (c === undefined) throw new CodecError(`Delta changes video index ${index}, which is not present`);
    const next = [c[0] + diff[0], c[1] + diff[1], c[2] + diff[2], c[3] + diff[3]] as const;
    state.setAt(index, next);
  }
}

export function encodeDelta(delta: Delta, chunkBytes = DEFAULT_CHUNK_BYTES): DeltaChunk[] {
  const chunks: DeltaChunk[] = [];
  let newIds: string[] = [];
  let gone: number[] = [];
  let data: number[] = [];
  let lastGone = 0;
  let lastIndex = 0;
  let size = 0;
  const flush = (): void => {
    const chunk: DeltaChunk = {};
    if (newIds.length) chunk.newIds = newIds.join(',');
    if (gone.length) chunk.gone = Uint8Array.from(gone);
    if (data.length) chunk.data = Uint8Array.from(data);
    chunks.push(chunk);
    newIds = [];
    gone = [];
    data = [];
    lastGone = 0;
    lastIndex = 0;
    size = 0;
  };
  const room = (cost: number): void => {
    if (size > 0 && size + cost > chunkBytes) flush();
    size += cost;
  };
  for (const id of delta.newIds) {
    assertVideoId(id);
    room(id.length + 1);
    newIds.push(id);
  }
  for (const i of [...delta.gone].sort((a, b) => a - b)) {
    const entry: number[] = [];
    // gaps restart at 0 in every chunk, so each chunk decodes on its own
    pushUint(entry, i - (gone.length ? lastGone : 0));
    room(entry.length);
    if (gone.length === 0) {
      entry.length = 0;
      pushUint(entry, i);
    }
    gone.push(...entry);
    lastGone = i;
  }
  for (const { index, diff } of delta.changes) {
    const entry: number[] = [];
    pushUint(entry, index - (data.length ? lastIndex : 0));
    for (const d of diff) pushInt(entry, d);
    room(entry.length);
    if (data.length === 0) {
      entry.length = 0;
      pushUint(entry, index);
      for (const d of diff) pushInt(entry, d);
    }
    data.push(...entry);
    lastIndex = index;
  }
  if (size > 0 || chunks.length === 0) flush();
  return chunks;
}

export function decodeDelta(chunks: readonly DeltaChunk[]): Delta {
  const delta: Delta = { newIds: [], gone: [], changes: [] };
  for (const chunk of chunks) {
    if (chunk.newIds) delta.newIds.push(...chunk.newIds.split(','));
    if (chunk.gone) {
      const r = new VarintReader(chunk.gone);
      let last = 0;
      while (!r.done) {
        last += r.uint();
        delta.gone.push(last);
      }
    }
    if (chunk.data) {
      const r = new VarintReader(chunk.data);
      let last = 0;
      while (!r.done) {
        last += r.uint();
        delta.changes.push({ index: last, diff: [r.int(), r.int(), r.int(), r.int()] });
      }
    }
  }
  return delta;
}
