/** A submission as both organizer lists read it: with its user, its baseline's title and its score. */
interface SubmissionWithScore<U> {
  id: string;
  createdAt: Date;
  user: U;
  baseline: { title: string } | null;
  kind: string;
  fileName: string;
  status: string;
  failureKind: string | null;
  score: { publicMain: number | null; privateMain: number | null } | null;
  isFinal: boolean;
  disqualifiedAt: Date | null;
}

/**
 * The fields every organizer list of submissions shows (the dashboard's latest ones and the
 * filtered pages): the baseline's title and both scores flattened, null where there are none.
 */
export function submissionRowFields<U>(r: SubmissionWithScore<U>) {
  return {
    id: r.id,
    createdAt: r.createdAt,
    user: r.user,
    baselineTitle: r.baseline?.title ?? null,
    kind: r.kind,
    fileName: r.fileName,
    status: r.status,
    failureKind: r.failureKind,
    publicMain: r.score?.publicMain ?? null,
    privateMain: r.score?.privateMain ?? null,
    isFinal: r.isFinal,
    disqualifiedAt: r.disqualifiedAt,
  };
}
