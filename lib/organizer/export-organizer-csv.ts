import { z } from "zod";
import { organizerActor, type AuditAction } from "../audit/audit-actor";
import { iterateAuditEvents, AuditQuery } from "../audit/list-audit-events";
import { recordAuditEvent } from "../audit/record-audit-event";
import { streamCsv, type CsvCell } from "../csv/stream-csv";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { iterateDownloadLogs, DownloadsQuery } from "./list-download-log-page";
import { iterateParticipants, ParticipantsQuery } from "./list-participants";
import { iterateSubmissions, SubmissionsQuery } from "./list-submission-page";
import { iterateTermsAcceptances, AcceptancesQuery } from "./list-terms-acceptances";
import { parseListQuery } from "./organizer-list-query";

export const OrganizerExport = z.enum(["participants", "acceptances", "downloads", "submissions", "audit"]);
export type OrganizerExport = z.infer<typeof OrganizerExport>;

async function* map<T>(rows: AsyncIterable<T>, f: (row: T) => readonly CsvCell[]): AsyncGenerator<readonly CsvCell[]> {
  for await (const row of rows) yield f(row);
}

/** The header and rows of each export; the filters are the list pages' query parameters. */
const EXPORTS: Record<OrganizerExport, (db: Db, params: URLSearchParams) => { header: string[]; rows: AsyncIterable<readonly CsvCell[]> }> =
  {
    participants: (db, params) => ({
      header: [
        "id",
        "name",
        "email",
        "email_verified",
        "status",
        "status_reason",
        "deleted",
        "created_at",
        "terms_version",
        "terms_accepted_at",
        "submissions",
        "best_public",
        "last_active_at",
      ],
      rows: map(iterateParticipants({ db, query: parseListQuery(ParticipantsQuery, params) }), (r) => [
        r.id,
        r.name,
        r.email,
        r.emailVerified,
        r.status,
        r.statusReason,
        r.deleted,
        r.createdAt,
        r.termsVersion,
        r.termsAcceptedAt,
        r.submissions,
        r.bestPublic,
        r.lastActiveAt,
      ]),
    }),
    acceptances: (db, params) => ({
      header: ["id", "accepted_at", "user_id", "email", "name", "terms_version", "ip"],
      rows: map(iterateTermsAcceptances({ db, query: parseListQuery(AcceptancesQuery, params) }), (r) => [
        r.id,
        r.acceptedAt,
        r.user.id,
        r.user.email,
        r.user.name,
        r.termsVersion,
        r.ip,
      ]),
    }),
    downloads: (db, params) => ({
      header: ["id", "created_at", "user_id", "email", "file", "file_kind", "bytes_served", "file_size", "range", "ip", "user_agent"],
      rows: map(iterateDownloadLogs({ db, query: parseListQuery(DownloadsQuery, params) }), (r) => [
        r.id,
        r.createdAt,
        r.user.id,
        r.user.email,
        r.fileName,
        r.fileKind,
        r.bytesServed,
        r.fileSize,
        r.rangeHeader,
        r.ip,
        r.userAgent,
      ]),
    }),
    submissions: (db, params) => ({
      header: [
        "id",
        "created_at",
        "user_id",
        "email",
        "name",
        "baseline",
        "kind",
        "model_format",
        "file_name",
        "file_size",
        "status",
        "failure_kind",
        "public_main",
        "private_main",
        "is_final",
        "disqualified_at",
        "scored_at",
      ],
      rows: map(iterateSubmissions({ db, query: parseListQuery(SubmissionsQuery, params) }), (r) => [
        r.id,
        r.createdAt,
        r.user.id,
        r.user.email,
        r.user.name,
        r.baselineTitle,
        r.kind,
        r.modelFormat,
        r.fileName,
        r.fileSize,
        r.status,
        r.failureKind,
        r.publicMain,
        r.privateMain,
        r.isFinal,
        r.disqualifiedAt,
        r.scoredAt,
      ]),
    }),
    audit: (db, params) => ({
      header: ["id", "created_at", "actor_id", "actor", "action", "target_type", "target_id", "details", "ip"],
      rows: map(iterateAuditEvents({ db, query: parseListQuery(AuditQuery, params) }), (r) => [
        r.id,
        r.createdAt,
        r.actorId,
        r.actorLabel,
        r.action,
        r.targetType,
        r.targetId,
        JSON.stringify(r.details),
        r.ip,
      ]),
    }),
  };

/**
 * Organizer: one of the CSV exports for scripts, streamed (header row first), with the same
 * filters as its list page. The export itself is recorded in the audit trail before the first
 * byte (participants' addresses leave the site with it). Unknown filters fail with 400 before
 * anything is recorded or sent.
 */
export async function exportOrganizerCsv(options: {
  db: Db;
  name: string;
  params: URLSearchParams;
  organizer: { id: string; email: string };
  ip?: string;
}): Promise<{ fileName: string; stream: ReadableStream<Uint8Array> }> {
  const parsed = OrganizerExport.safeParse(options.name);
  if (!parsed.success) throw new AppError("not-found", { user: "There is no such export.", internal: `export ${options.name}` });
  const { header, rows } = EXPORTS[parsed.data](options.db, options.params);
  await recordAuditEvent({
    db: options.db,
    actor: organizerActor(options.organizer, options.ip),
    action: `export.${parsed.data}` as AuditAction,
    target: { type: "export", id: parsed.data },
    details: { filters: Object.fromEntries([...options.params].filter(([k]) => k !== "page" && k !== "pageSize")) },
  });
  return { fileName: `tiny-portraits-${parsed.data}.csv`, stream: streamCsv({ header, rows }) };
}
