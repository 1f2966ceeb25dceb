import Link from "next/link";
import type { GenerationPhaseNetwork } from "@/lib/generation/list-generation-phase-networks";
import { generationTrack } from "@/lib/tracks/generation-track";

/**
 * The challenge page's generation track: what to submit, the main score's definition and the
 * reason for each of its parts, the other metrics, and the feature network (SHA-256) each phase
 * is scored in.
 */
export function GenerationTrackSection({ phases }: { phases: GenerationPhaseNetwork[] }) {
  return (
    <div className="space-y-4 text-stone-700" data-testid="generation-track">
      <p className="max-w-3xl">
        The second track: submit a <strong>generator</strong> of 84x108 portraits (ONNX, with a manifest), or a zip of its images. We draw
        the latents from the phase&rsquo;s fixed seeds, run the generator in the same sandbox as attribute models and score the images it
        makes against the hidden test portraits.{" "}
        <Link href="/submit?track=generation" className="underline">
          Submit a generator
        </Link>{" "}
        ·{" "}
        <Link href="/leaderboard?track=generation" className="underline">
          Generation leaderboard
        </Link>
      </p>
      <div className="max-w-3xl space-y-2 rounded border border-stone-200 bg-white p-4">
        <p className="font-semibold text-stone-900">
          Main score = FPD × memorisation penalty <span className="font-normal text-stone-600">(lower is better)</span>
        </p>
        <ul className="list-disc space-y-2 pl-5 text-sm">
          <li>
            <strong>FPD</strong>, the Fréchet distance between Gaussians fitted to the features of the generated and of the hidden test
            portraits. <em>Why:</em> one number that moves both when images look wrong (fidelity) and when they are all alike (diversity),
            and the quantity the field reports. The features come from the organizers&rsquo; network trained on the train split, so no
            downloaded ImageNet weights are needed and everything runs on a CPU.
          </li>
          <li>
            <strong>Memorisation penalty</strong> = eps / max(d, floor) when d &lt; eps, else 1, where d is the samples&rsquo; mean cosine
            distance to their nearest training portrait. <em>Why:</em> FPD alone rewards copying the training set (copies have the real
            distribution exactly). eps is set from what unseen real portraits get (half their mean distance), so an honest generator is not
            penalised; the cap of 100 makes copies rank below a blurry but honest sampler.
          </li>
        </ul>
        <p className="text-sm">Reported beside it, not folded in: each answers one question a single number hides.</p>
        <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
          {generationTrack.metrics
            .filter((m) => m.key !== "main")
            .map((m) => (
              <div key={m.key} className="contents">
                <dt className="font-medium text-stone-900">{m.label}</dt>
                <dd>{m.description}</dd>
              </div>
            ))}
        </dl>
        <p className="text-xs text-stone-500">
          Also on each submission&rsquo;s page: KID&rsquo;s standard error and C_T (Meehan et al. 2020; strongly negative means the samples
          sit closer to the training set than unseen real portraits). Entries uploaded as images are flagged on the leaderboard: they could
          be cherry-picked.
        </p>
      </div>
      <div className="space-y-2">
        <h3 className="font-semibold text-stone-900">Feature network per phase</h3>
        {phases.length === 0 ? (
          <p className="text-sm">No generation phase is scheduled yet.</p>
        ) : (
          <ul className="space-y-2 text-sm" data-testid="generation-phase-networks">
            {phases.map((p) => (
              <li key={p.id} className="rounded border border-stone-200 bg-white p-3">
                <p>
                  <strong>{p.name}</strong>{" "}
                  <span className="text-stone-500">
                    ({p.status}, {p.window})
                  </span>
                  , {p.sampleCount.toLocaleString("en")} images per entry
                </p>
                {p.featureNetwork ? (
                  <p className="mt-1">
                    SHA-256 {p.featureNetwork.pinned ? "(pinned)" : "(newest registered; not pinned yet)"}:{" "}
                    <code className="break-all font-mono text-xs" data-testid="phase-feature-network">
                      {p.featureNetwork.sha256}
                    </code>
                  </p>
                ) : (
                  <p className="mt-1 text-amber-800">No feature network is registered yet: entries wait until the organizers train one.</p>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
