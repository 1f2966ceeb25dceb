/**
 * Allowed values of the String status/kind columns. The schema uses plain String columns
 * (no Prisma enums) so the same migrations work on SQLite and PostgreSQL and adding a value
 * needs no migration; these zod schemas are where the values are checked, at the edges
 * (operations validate before writing, readers may narrow with `.parse`).
 */
import { z } from "zod";

export const UserRole = z.enum(["participant", "organizer"]);
export type UserRole = z.infer<typeof UserRole>;

export const DatasetSourceKind = z.enum(["synthetic", "real"]);
export type DatasetSourceKind = z.infer<typeof DatasetSourceKind>;

export const DatasetStatus = z.enum(["ready", "retired"]);
export type DatasetStatus = z.infer<typeof DatasetStatus>;

export const DatasetFileKind = z.enum(["train-archive", "test-archive", "train-labels", "sample-submission", "checksums", "readme"]);
export type DatasetFileKind = z.infer<typeof DatasetFileKind>;

/** attributes track: csv, model; generation track: generator, images (lib/tracks). */
export const SubmissionKind = z.enum(["csv", "model", "generator", "images"]);
export type SubmissionKind = z.infer<typeof SubmissionKind>;

export const SubmissionStatus = z.enum(["queued", "running", "scored", "failed"]);
export type SubmissionStatus = z.infer<typeof SubmissionStatus>;

/** Who caused a failure: 'system' failures never count against the participant's quota. */
export const FailureKind = z.enum(["user", "system"]);
export type FailureKind = z.infer<typeof FailureKind>;

export const ModelFormat = z.enum(["tfjs-layers", "tfjs-graph", "onnx"]);
export type ModelFormat = z.infer<typeof ModelFormat>;

export const JobStatus = z.enum(["queued", "running", "done", "failed"]);
export type JobStatus = z.infer<typeof JobStatus>;

/** How participants see public scores while a phase runs (Phase.scoreVisibility; lib/phases/score-policy.ts). */
export const ScoreVisibility = z.enum(["rounded", "ladder"]);
export type ScoreVisibility = z.infer<typeof ScoreVisibility>;

/** What a link sent by e-mail does (EmailToken.kind; lib/auth/create-email-token.ts). */
export const EmailTokenKind = z.enum(["verify-email", "reset-password"]);
export type EmailTokenKind = z.infer<typeof EmailTokenKind>;

/** An account's standing (User.status; lib/organizer/set-user-status.ts): anything but active is locked out. */
export const UserStatus = z.enum(["active", "suspended", "banned"]);
export type UserStatus = z.infer<typeof UserStatus>;
