import { attributesTrack } from "./attributes-track";
import { generationTrack } from "./generation-track";
import type { TrackDefinition } from "./track-definition";

/** Every track, in the order the site lists them. A third track is one module added here. */
export const TRACKS: readonly TrackDefinition[] = [attributesTrack as TrackDefinition, generationTrack as TrackDefinition];

export type TrackId = "attributes" | "generation";

/** The track of a Phase.track / Submission.track value; undefined for an unknown id. */
export function findTrack(id: string): TrackDefinition | undefined {
  return TRACKS.find((t) => t.id === id);
}

/** Like findTrack, for values the database already holds: an unknown id there is a bug, not input. */
export function getTrack(id: string): TrackDefinition {
  const track = findTrack(id);
  if (!track) throw new Error(`unknown track "${id}" (known: ${TRACKS.map((t) => t.id).join(", ")})`);
  return track;
}

/** The track's definition of a submission kind, or undefined when the track has no such kind. */
export function findTrackKind(trackId: string, kind: string) {
  return findTrack(trackId)?.kinds.find((k) => k.kind === kind);
}
