import { VERIFICATION_TOLERANCE } from "./verification-status";

export interface VerificationComparison {
  status: "verified" | "mismatch";
  /** For the organizer and the participant: the numbers behind the status. */
  outcome: string;
}

const f = (x: number) => x.toFixed(6);

/**
 * The rerun reproduces the original score when |rerun - original| <= 1e-6 on the public and the
 * private part; otherwise a mismatch that states both numbers of each part that differs.
 */
export function compareVerification(options: {
  original: { publicMain: number; privateMain: number };
  rerun: { publicMain: number; privateMain: number };
  tolerance?: number;
}): VerificationComparison {
  const tolerance = options.tolerance ?? VERIFICATION_TOLERANCE;
  const parts = [
    ["public", options.original.publicMain, options.rerun.publicMain],
    ["private", options.original.privateMain, options.rerun.privateMain],
  ] as const;
  const differing = parts.filter(([, a, b]) => !(Math.abs(a - b) <= tolerance));
  if (differing.length === 0)
    return { status: "verified", outcome: `Reproduced: public ${f(options.rerun.publicMain)}, private ${f(options.rerun.privateMain)}.` };
  return {
    status: "mismatch",
    outcome: differing
      .map(([part, a, b]) => `${part} ${f(a)} submitted vs ${f(b)} rerun (difference ${Math.abs(a - b).toExponential(2)})`)
      .join("; "),
  };
}
