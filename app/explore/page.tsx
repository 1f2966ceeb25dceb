import { PageIntro } from "../page-intro";
import { PageSection } from "../page-section";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { ATTRIBUTES, DATASET_VALUES, IMAGE_HEIGHT, IMAGE_WIDTH, NA, type Attribute } from "@/lib/challenge/definition";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { exploreTrainPortraits } from "@/lib/explorer/explore-train-portraits";
import { PORTRAIT_SCALE } from "@/lib/explorer/render-train-portrait";
import { ANY, MAX_SEED, exploreQuerySchema, type ExploreQuery } from "@/lib/explorer/sample-train-portraits";
import { getTermsStatus } from "@/lib/terms/get-terms-status";
import { LabelBars } from "../label-bars";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Explore the data" };

const TITLES: Record<Attribute, string> = { Gender: "Gender", Hair_Color: "Hair colour", Hair_Type: "Hair type" };
const PARAM: Record<Attribute, "gender" | "hairColor" | "hairType"> = { Gender: "gender", Hair_Color: "hairColor", Hair_Type: "hairType" };

function exploreUrl(query: ExploreQuery): string {
  const params = new URLSearchParams();
  for (const a of ATTRIBUTES) if (query[PARAM[a]] !== ANY) params.set(PARAM[a], query[PARAM[a]]);
  if (query.seed !== undefined) params.set("seed", String(query.seed));
  const search = params.toString();
  return search ? `/explore?${search}` : "/explore";
}

function randomSeed(): number {
  return Math.floor(Math.random() * MAX_SEED);
}

/** The data explorer: seeded random or filtered grids of training portraits with their labels. */
export default async function ExplorePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const query = exploreQuerySchema.parse({
    gender: first(raw.gender),
    hairColor: first(raw.hairColor),
    hairType: first(raw.hairType),
    seed: first(raw.seed),
  });
  // Built from the validated query, never from the raw URL.
  const user = await requirePageUser(exploreUrl(query));
  const terms = await getTermsStatus({ db: getDb(), userId: user.id });

  if (!terms.acceptedCurrent) {
    return (
      <div className="space-y-6">
        <h1 className="text-3xl font-bold tracking-tight">Explore the training portraits</h1>
        <div className="max-w-3xl space-y-3 rounded border border-amber-300 bg-amber-50 p-4 text-sm" data-testid="terms-required">
          <p>
            {terms.previousVersion
              ? "The dataset terms have changed since you accepted them. Please accept the new version to browse the portraits."
              : "The portraits are licensed for research only. Please read and accept the dataset terms to browse them."}
          </p>
          <Link
            href={`/terms?next=${encodeURIComponent(exploreUrl(query))}`}
            className="inline-block rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500 focus:ring-offset-2"
          >
            Read and accept the terms
          </Link>
        </div>
      </div>
    );
  }

  // Every sample has a seed in its URL, so whatever is on screen can be shared or come back to.
  if (query.seed === undefined) redirect(exploreUrl({ ...query, seed: randomSeed() }));
  const view = await exploreTrainPortraits({ dataDir: env().dataDir, query: { ...query, seed: query.seed } });

  return (
    <div className="space-y-8">
      <PageIntro title="Explore the training portraits">
        <p className="max-w-3xl text-stone-700">
          Random training portraits with their labels, or only those with the labels you choose. The link of a page always shows the same
          portraits; <strong>Shuffle</strong> picks new ones.
        </p>
      </PageIntro>

      <form
        method="get"
        action="/explore"
        className="grid max-w-3xl grid-cols-1 gap-3 sm:grid-cols-[1fr_1fr_1fr_auto] sm:items-end"
        aria-label="Filter portraits"
      >
        {ATTRIBUTES.map((a) => (
          <label key={a} className="space-y-1 text-sm">
            <span className="block font-medium">{TITLES[a]}</span>
            <select
              name={PARAM[a]}
              defaultValue={query[PARAM[a]]}
              className="block w-full rounded border border-stone-300 bg-white px-2 py-2 text-sm focus:outline-none focus:ring-2 focus:ring-stone-500"
            >
              <option value={ANY}>any</option>
              {DATASET_VALUES[a].map((v) => (
                <option key={v} value={v}>
                  {v === NA ? "n/a (unknown)" : v}
                </option>
              ))}
            </select>
          </label>
        ))}
        <input type="hidden" name="seed" value={query.seed} />
        <button
          type="submit"
          className="rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500 focus:ring-offset-2"
        >
          Show
        </button>
      </form>

      {!view ? (
        <p className="rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="dataset-missing">
          No dataset is prepared yet.
        </p>
      ) : (
        <>
          <section aria-labelledby="sample" className="space-y-3">
            <div className="flex flex-wrap items-baseline gap-x-6 gap-y-2">
              <h2 id="sample" className="text-xl font-semibold">
                Portraits
              </h2>
              <p className="text-sm text-stone-600" data-testid="match-count">
                {view.matching.toLocaleString("en")} of {view.total.toLocaleString("en")} training portraits match
                {view.matching > view.portraits.length ? `; ${view.portraits.length} picked with seed ${view.seed}` : ""}.
              </p>
              <p className="flex gap-4 text-sm">
                <Link
                  href={exploreUrl({ ...query, seed: randomSeed() })}
                  className="font-medium text-teal-800 underline hover:text-teal-950"
                  data-testid="shuffle"
                >
                  Shuffle
                </Link>
                {ATTRIBUTES.some((a) => query[PARAM[a]] !== ANY) && (
                  <Link
                    href={exploreUrl({ gender: ANY, hairColor: ANY, hairType: ANY, seed: query.seed })}
                    className="font-medium text-teal-800 underline hover:text-teal-950"
                  >
                    Clear filters
                  </Link>
                )}
              </p>
            </div>
            {view.portraits.length === 0 ? (
              <p className="rounded border border-stone-200 bg-white p-3 text-sm">
                No training portrait has these labels. Try fewer filters.
              </p>
            ) : (
              <ul className="grid grid-cols-3 gap-3 sm:grid-cols-4 md:grid-cols-6 lg:grid-cols-8" data-testid="portrait-grid">
                {view.portraits.map((p) => (
                  <li key={p.imageIndex} className="space-y-1">
                    {/* eslint-disable-next-line @next/next/no-img-element */}
                    <img
                      src={`/api/explore/portraits/${p.imageIndex}?build=${encodeURIComponent(view.buildId)}`}
                      alt={`Training portrait ${p.imageIndex}: ${p.labels.Gender}, hair colour ${p.labels.Hair_Color}, hair type ${p.labels.Hair_Type}`}
                      width={IMAGE_WIDTH * PORTRAIT_SCALE}
                      height={IMAGE_HEIGHT * PORTRAIT_SCALE}
                      loading="lazy"
                      className="pixelated h-auto w-full rounded border border-stone-200 bg-stone-100"
                    />
                    <p className="flex flex-wrap gap-1 text-[11px] leading-tight" aria-hidden>
                      {ATTRIBUTES.map((a) => (
                        <span
                          key={a}
                          title={`${TITLES[a]}: ${p.labels[a]}`}
                          className={
                            p.labels[a] === NA ? "rounded bg-stone-100 px-1 text-stone-700" : "rounded bg-teal-50 px-1 text-teal-900"
                          }
                        >
                          {/* A bare "n/a" does not say which attribute is unknown; the values do. */}
                          {p.labels[a] === NA ? `${TITLES[a]}: n/a` : p.labels[a]}
                        </span>
                      ))}
                    </p>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <PageSection id="distribution" title="Label distribution">
            <p className="text-sm text-stone-600">
              Over the {view.matching.toLocaleString("en")} matching training portraits
              {view.matching === view.total ? " (the whole training split)" : ""}. Filter on one attribute to see how the others go with it.
            </p>
            <div className="grid gap-6 md:grid-cols-3">
              {ATTRIBUTES.map((a) => (
                <LabelBars key={a} title={TITLES[a]} counts={view.matchingCounts[a]} />
              ))}
            </div>
          </PageSection>
        </>
      )}
    </div>
  );
}
