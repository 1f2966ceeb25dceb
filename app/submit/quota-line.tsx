import type { SubmissionQuota } from "@/lib/submissions/get-submission-quota";

/** "3 of 5 left today, resets at 00:00 UTC (in 5 hours)": shown before anyone uploads. */
export function QuotaLine({ quota, now = new Date() }: { quota: SubmissionQuota; now?: Date }) {
  if (quota.limit === null) {
    return (
      <p className="text-sm text-stone-600" data-testid="quota">
        No daily limit for organizers ({quota.used} submitted today).
      </p>
    );
  }
  if (quota.phase === null || quota.limit === 0) {
    return (
      <p className="text-sm font-medium text-red-800" data-testid="quota">
        {quota.phase === null
          ? "No phase is open for submissions right now: see the timeline on the challenge page."
          : `Submissions are closed in ${quota.phase.name} for now.`}
      </p>
    );
  }
  const hours = Math.max(1, Math.ceil((new Date(quota.resetsAt).getTime() - now.getTime()) / 3_600_000));
  const left = quota.remaining ?? 0;
  return (
    <p className={`text-sm ${left === 0 ? "font-medium text-red-800" : "text-stone-700"}`} data-testid="quota">
      <strong>
        {left} of {quota.limit}
      </strong>{" "}
      submissions left today in {quota.phase.name}, resets at 00:00 UTC (in about {hours} hour{hours === 1 ? "" : "s"}).
      <span className="text-stone-500"> Submissions that fail on our side do not count.</span>
    </p>
  );
}
