/**
 * Rebuilds the per-video state of a day from its chain: the latest full checkpoint on or before it,
 * then every committed delta in order. Every link is checked (a delta must differ from the day
 * before it in the chain, its chunk count must match the marker); a day whose link is broken is
 * left out (the state stays at the last good day) instead of inventing numbers.
 */
import type { Day } from './days.ts';
import { markersBackToCheckpoint, queryVideoChunks, type HistoryStoreDeps, type SnapshotMarker, type VideoChunk } from './store.ts';
import { applyDelta, decodeDelta, decodeFull, type DeltaChunk, type FullChunk, type VideoState } from './videos.ts';

export interface ReplayedState {
  /** The day the state belongs to (the last good day on or before the one asked for). */
  day: Day;
  state: VideoState;
  /** The checkpoint the chain started from. */
  checkpointDay: Day;
  /** Days of the chain, ascending (checkpoint first). */
  chain: SnapshotMarker[];
}

function chunksOf(all: Map<string, VideoChunk[]>, m: SnapshotMarker): VideoChunk[] | undefined {
  const chunks = all.get(`${m.day}#${m.attempt}`);
  return chunks && chunks.length === m.videoChunks ? chunks : undefined;
}

/** The per-video state on the last day on or before `day` that has per-video data; undefined if none. */
export async function videoStateAt(deps: HistoryStoreDeps, datasourceId: string, day: Day): Promise<ReplayedState | undefined> {
  const newestFirst = await markersBackToCheckpoint(deps, datasourceId, day);
  const chain = newestFirst.reverse();
  const checkpoint = chain[0];
  if (!checkpoint || checkpoint.videoKind !== 'full') return undefined;
  const all = await queryVideoChunks(deps, datasourceId, checkpoint.day, chain[chain.length - 1]!.day);
  return replayChain(chain, all);
}

/** Replays markers (ascending, starting with a full checkpoint) over their chunks. */
export function replayChain(chain: readonly SnapshotMarker[], all: Map<string, VideoChunk[]>): ReplayedState | undefined {
  const checkpoint = chain[0];
  if (!checkpoint || checkpoint.videoKind !== 'full') return undefined;
  const fullChunks = chunksOf(all, checkpoint);
  if (!fullChunks) return undefined;
  const state = decodeFull(fullChunks as FullChunk[]);
  let good = checkpoint;
  const used: SnapshotMarker[] = [checkpoint];
  for (const m of chain.slice(1)) {
    // A day that does not follow from the last good one (its chunks lost, or it follows a lost day)
    // is skipped; a later capture diffs from the last good day, so the chain goes on from there.
    if (m.videoKind !== 'delta' || m.videoPrev !== good.day) continue;
    const chunks = chunksOf(all, m);
    if (!chunks) continue;
    applyDelta(state, decodeDelta(chunks as DeltaChunk[]));
    good = m;
    used.push(m);
  }
  return { day: good.day, state, checkpointDay: checkpoint.day, chain: used };
}
