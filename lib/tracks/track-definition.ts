import type { z } from "zod";

/**
 * What a challenge track is: its submission kinds, the job that scores them, the metrics a
 * score carries and the leaderboard columns built from them, and the schema of its phases'
 * settings. A new track is one module exporting one of these, added to TRACKS in
 * list-tracks.ts; nothing else has to change to register it.
 */

export interface TrackSubmissionKind {
  /** Stored in Submission.kind. */
  kind: string;
  label: string;
  /** File name endings accepted for it (lower case, with the dot). */
  extensions: readonly string[];
  /** True when the platform runs the participant's code (the sandbox); false for a file of results. */
  runsModel: boolean;
  /**
   * Shown on the leaderboard beside entries of this kind: e.g. uploaded images cannot be
   * checked to come from a model (cherry-picking), so they are flagged.
   */
  flag?: string;
}

export interface TrackMetric {
  /** Key in the Score's public/private JSON. */
  key: string;
  label: string;
  description: string;
  higherIsBetter: boolean;
}

export interface TrackColumn {
  key: string;
  label: string;
  description: string;
  defaultDir: "asc" | "desc";
}

export interface TrackDefinition<Settings = unknown> {
  /** Stored in Phase.track and Submission.track. */
  id: string;
  title: string;
  description: string;
  kinds: readonly TrackSubmissionKind[];
  /** The kinds a new phase of this track accepts unless the organizer picks others. */
  defaultKinds: readonly string[];
  /** The scorer job type (lib/queue/job-types.ts) that scores a submission of this track. */
  handler: string;
  /** The main score's metric key and direction (Score.publicMain/privateMain hold its value). */
  mainMetric: string;
  higherIsBetter: boolean;
  metrics: readonly TrackMetric[];
  columns: readonly TrackColumn[];
  /** Validates Phase.settings for this track (null/undefined parse to the defaults). */
  settingsSchema: z.ZodType<Settings, unknown>;
}
