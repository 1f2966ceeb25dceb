import { PageIntro } from "./page-intro";
import { PageSection } from "./page-section";
import type { Metadata } from "next";
import Link from "next/link";
import { getCurrentUser } from "@/lib/auth/get-current-user";
import { IMAGE_HEIGHT, IMAGE_WIDTH } from "@/lib/challenge/definition";
import { formatDuration } from "@/lib/phases/format-phase-time";
import { getChallengeOverview } from "@/lib/site/get-challenge-overview";
import { getDb } from "@/lib/db/client";
import { AttributesTable } from "./_challenge/attributes-table";
import { CallsToAction } from "./_challenge/calls-to-action";
import { ChallengeRules } from "./_challenge/challenge-rules";
import { DatasetSection } from "./_challenge/dataset-section";
import { MetricExplainer } from "./_challenge/metric-explainer";
import { PhaseTimelineList } from "./_challenge/phase-timeline";
import { GenerationTrackSection } from "./_challenge/generation-track";
import { listGenerationPhaseNetworks } from "@/lib/generation/list-generation-phase-networks";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: { absolute: "Challenge · Tiny Portraits" } };

export default async function ChallengePage() {
  const [overview, user, generationPhases] = await Promise.all([
    getChallengeOverview(),
    getCurrentUser(),
    listGenerationPhaseNetworks({ db: getDb() }),
  ]);
  const current = overview.timeline.current;
  return (
    <div className="space-y-12">
      <PageIntro title="The Tiny Portraits challenge" className="space-y-4" titleClassName="text-3xl font-bold tracking-tight sm:text-4xl">
        <p className="max-w-3xl text-lg text-stone-700">
          Predict the apparent gender, the hair colour and the hair type of the person in {IMAGE_WIDTH}&times;{IMAGE_HEIGHT} pixel portrait
          thumbnails. Train on your own machine &mdash; a CPU is enough &mdash; then upload a predictions CSV or a trained model and get
          scored in seconds against a hidden test split.
        </p>
        {current && (
          <p className="text-sm text-stone-700" data-testid="current-phase">
            <strong>{current.name}</strong> {current.status === "running" && <>is open: ends in {formatDuration(current.msRemaining)}.</>}
            {current.status === "upcoming" && <>opens in {formatDuration(current.msRemaining)}.</>}
            {current.status === "ended" && <>has ended.</>}{" "}
            <a href="#timeline" className="underline">
              Timeline
            </a>
          </p>
        )}
        <CallsToAction signedIn={user !== null} />
      </PageIntro>

      <PageSection id="task" title="The task" look="home">
        <p className="max-w-3xl text-sm text-stone-700">
          Every test image gets one prediction per attribute. Predict a class for every row, even when you are unsure: <code>n/a</code> is
          never a valid prediction, it only marks labels the annotators could not tell, and those rows are left out of that
          attribute&rsquo;s score.
        </p>
        <AttributesTable />
      </PageSection>

      <PageSection id="metric" title="How submissions are scored" look="home">
        <MetricExplainer />
      </PageSection>

      <PageSection id="generation-track" title="The generation track" look="home">
        <GenerationTrackSection phases={generationPhases} />
      </PageSection>

      <PageSection id="timeline" title="Timeline" look="home">
        <p className="text-sm text-stone-600">All times are UTC.</p>
        <PhaseTimelineList timeline={overview.timeline} />
      </PageSection>

      <PageSection id="rules" title="Rules" look="home">
        <ChallengeRules rules={overview.rules} />
      </PageSection>

      <PageSection id="data" title="The data" className="space-y-4" look="home">
        <DatasetSection dataset={overview.dataset} userId={user?.id ?? null} />
      </PageSection>

      <PageSection id="start" title="Get started in five minutes" className="space-y-3 rounded border border-stone-200 bg-white p-5">
        <ol className="list-decimal space-y-1 pl-5 text-sm text-stone-700">
          <li>
            {user ? (
              "You are signed in."
            ) : (
              <>
                <Link href="/sign-up" className="underline">
                  Create an account
                </Link>
                .
              </>
            )}
          </li>
          <li>
            Accept the dataset terms and{" "}
            <Link href="/data" className="underline">
              download the data
            </Link>
            .
          </li>
          <li>
            Train with the{" "}
            <Link href="/starter-kit" className="underline">
              starter kit
            </Link>{" "}
            (PyTorch or TypeScript, CPU only).
          </li>
          <li>
            <Link href="/submit" className="underline">
              Submit
            </Link>{" "}
            a CSV or a model and find yourself on the{" "}
            <Link href="/leaderboard" className="underline">
              leaderboard
            </Link>
            , next to the organizers&rsquo; baselines.
          </li>
        </ol>
      </PageSection>
    </div>
  );
}
