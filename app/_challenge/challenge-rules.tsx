import Link from "next/link";
import type { ChallengeOverview } from "@/lib/site/get-challenge-overview";

/** The rules, with the numbers that apply right now. */
export function ChallengeRules({ rules }: { rules: ChallengeOverview["rules"] }) {
  const { dailyLimit, maxFinal, acceptedKinds } = rules;
  const modelOnly = acceptedKinds.length === 1 && acceptedKinds[0] === "model";
  const csvOnly = acceptedKinds.length === 1 && acceptedKinds[0] === "csv";
  return (
    <ul className="list-disc space-y-2 pl-5 text-sm text-stone-700 marker:text-stone-400" data-testid="rules">
      {rules.phaseName && (
        <li>
          These are the rules of <strong>{rules.phaseName}</strong>
          {rules.submissionsOpen ? "" : " (not open for submissions right now)"}; each phase has its own, listed in the timeline above. Your
          submissions, daily quota and final picks belong to the phase you submit in.
        </li>
      )}
      <li>
        <strong>{dailyLimit === 0 ? "Submissions closed" : `${dailyLimit} submission${dailyLimit === 1 ? "" : "s"} per day`}</strong> (the
        day resets at 00:00 UTC). A file refused at upload (wrong ids, unknown labels&hellip;) is not a submission, and a submission that
        fails because of a problem on our side does not count either.
      </li>
      <li>
        <strong>Public and private leaderboard.</strong> The hidden test images are split in two halves; you never learn which image is in
        which. Every submission is scored on both at once, but only the public score is shown during the challenge. The private score
        decides the final ranking, so tuning to the public board does not pay.
      </li>
      <li>
        <strong>Final submissions.</strong> Select up to {maxFinal} of your submissions for the private leaderboard on{" "}
        <Link href="/submissions" className="underline">
          My submissions
        </Link>
        . If you select none, your {maxFinal === 1 ? "best submission" : `best ${maxFinal === 2 ? "two" : maxFinal}`} by public score{" "}
        {maxFinal === 1 ? "counts" : "count"}. Your private result is the best of them.
        {rules.privateRevealed
          ? " The private leaderboard has been revealed."
          : " The private leaderboard is revealed when the phase ends."}
      </li>
      {modelOnly ? (
        <li data-testid="rule-kinds">
          <strong>Models only.</strong> Upload a trained model (ONNX or TensorFlow.js) that we run for you in a sandbox on the hidden
          images: no network, no access to labels, limited memory and time. Prediction CSVs are not accepted in this phase, so nobody can
          answer from looked-up labels.
        </li>
      ) : csvOnly ? (
        <li data-testid="rule-kinds">
          <strong>Predictions only.</strong> Upload a CSV with one row per test image; models are not accepted in this phase.
        </li>
      ) : (
        <li data-testid="rule-kinds">
          <strong>Predictions or a model.</strong> Upload a CSV with one row per test image, or a trained model (ONNX or TensorFlow.js) that
          we run for you in a sandbox on the hidden images: no network, no access to labels, limited memory and time. Either way it is
          scored the same.
        </li>
      )}
      <li>
        <strong>{rules.teamSizeCap === 1 ? "Solo only." : `Teams of up to ${rules.teamSizeCap}.`}</strong>{" "}
        {rules.teamSizeCap === 1
          ? "Every participant competes alone in this phase."
          : "A team shares one daily quota and one set of final picks."}
      </li>
      <li>
        <strong>Fair play.</strong> Train only on the data provided here. Using any data labelled with CelebA attributes (the portraits come
        from CelebA), or trying to identify the people or to match test images to CelebA, is not allowed and leads to disqualification. One
        account per person.
      </li>
      <li>
        <strong>Licence.</strong> The images are for this challenge and research only: do not copy, publish, distribute or sell them. You
        accept these terms before your first download.
      </li>
    </ul>
  );
}
