import type { Metadata } from "next";
import Link from "next/link";
import { getCurrentUser } from "@/lib/auth/get-current-user";
import { CHECKSUMS_NAME, TEST_IMAGES_DIR_NAME, TRAIN_ZIP_CSV_NAME } from "@/lib/dataset/layout";
import { IMAGES_DIR_NAME, IMAGE_HEIGHT, IMAGE_WIDTH, SUBMISSION_CSV_HEADER } from "@/lib/challenge/definition";
import { getDb } from "@/lib/db/client";
import { listDatasetFiles } from "@/lib/downloads/list-dataset-files";
import { getTermsStatus } from "@/lib/terms/get-terms-status";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Data" };

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "UTC" });
const buttonClass =
  "inline-block rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500 focus:ring-offset-2";

/** The download page: the current dataset's files with sizes and SHA-256, behind the terms. */
export default async function DataPage() {
  const db = getDb();
  const [user, dataset] = await Promise.all([getCurrentUser(), listDatasetFiles({ db })]);
  const terms = user ? await getTermsStatus({ db, userId: user.id }) : null;
  const allowed = terms?.acceptedCurrent === true;

  return (
    <div className="space-y-10">
      <section aria-labelledby="title" className="space-y-3">
        <h1 id="title" className="text-3xl font-bold tracking-tight">Download the data</h1>
        <p className="max-w-3xl text-stone-700">
          {IMAGE_WIDTH}&times;{IMAGE_HEIGHT} pixel RGB portraits with their labels for training, and the unlabelled test portraits you
          predict. Downloads resume if they are interrupted.
        </p>
        <TermsPanel signedIn={user !== null} terms={terms} />
      </section>

      <section aria-labelledby="files" className="space-y-3">
        <h2 id="files" className="text-xl font-semibold">Files</h2>
        {!dataset || dataset.files.length === 0 ? (
          <p className="rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="dataset-missing">
            No dataset is prepared yet. Please come back later.
          </p>
        ) : (
          <>
            <p className="text-sm text-stone-600">
              {dataset.sourceKind === "synthetic" ? "Built-in synthetic portraits" : "Tiny Portraits"}, prepared on{" "}
              {dateFormat.format(dataset.preparedAt)}.
            </p>
            <div className="overflow-x-auto">
              <table className="min-w-full text-left text-sm" data-testid="files-table">
                <thead className="border-b border-stone-300 text-stone-600">
                  <tr>
                    <th className="py-2 pr-4">File</th>
                    <th className="py-2 pr-4 text-right">Size</th>
                    <th className="hidden py-2 md:table-cell">SHA-256</th>
                  </tr>
                </thead>
                <tbody>
                  {dataset.files.map((f) => (
                    <tr key={f.name} className="border-b border-stone-200 align-top">
                      <td className="py-2 pr-4">
                        {allowed ? (
                          <a href={`/api/downloads/${encodeURIComponent(f.name)}`} download className="font-mono font-medium text-teal-800 underline hover:text-teal-950">
                            {f.name}
                          </a>
                        ) : (
                          <span className="font-mono font-medium">{f.name}</span>
                        )}
                        <p className="mt-1 max-w-sm text-xs text-stone-500">{f.description}</p>
                        {/* Phones: the hash under the name instead of a column that would need scrolling. */}
                        <p className="mt-1 font-mono text-xs break-all text-stone-700 md:hidden">
                          <span className="font-sans text-stone-500">SHA-256 </span>
                          {f.sha256}
                        </p>
                      </td>
                      <td className="whitespace-nowrap py-2 pr-4 text-right tabular-nums" title={`${f.sizeBytes.toLocaleString("en")} bytes`}>
                        {f.size}
                      </td>
                      <td className="hidden py-2 font-mono text-xs break-all text-stone-700 md:table-cell" data-testid={`sha256-${f.name}`}>
                        {f.sha256}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>

      <section aria-labelledby="verify" className="max-w-3xl space-y-3">
        <h2 id="verify" className="text-xl font-semibold">Check your download</h2>
        <p className="text-sm text-stone-700">
          Put <code className="font-mono">{CHECKSUMS_NAME}</code> in the folder with the files and run:
        </p>
        <pre className="overflow-x-auto rounded bg-stone-900 p-3 text-sm text-stone-100"><code>{`sha256sum -c ${CHECKSUMS_NAME}          # Linux
shasum -a 256 -c ${CHECKSUMS_NAME}      # macOS`}</code></pre>
        <p className="text-sm text-stone-700">
          Every file should say <code className="font-mono">OK</code>. On Windows, compare the output of{" "}
          <code className="font-mono">Get-FileHash -Algorithm SHA256 FILE</code> in PowerShell with the table above. A browser resumes an
          interrupted download by itself; so do <code className="font-mono">wget -c</code> and <code className="font-mono">curl -C -</code>{" "}
          with a personal API token, and the command-line clients download, resume and check every file for you: see{" "}
          <Link href="/cli" className="underline">API &amp; CLI</Link>.
        </p>
      </section>

      <section aria-labelledby="inside" className="max-w-3xl space-y-3">
        <h2 id="inside" className="text-xl font-semibold">What is inside</h2>
        <ul className="list-disc space-y-2 pl-5 text-sm break-words text-stone-700 [&_code]:break-all">
          <li>
            The train archive holds <code className="font-mono">{IMAGES_DIR_NAME}/Tiny_Portrait_NNNNNN.png</code> and{" "}
            <code className="font-mono">{TRAIN_ZIP_CSV_NAME}</code> with the columns <code className="font-mono">Image_Index,Gender,Hair_Color,Hair_Type</code>.
            The value <code className="font-mono">n/a</code> means unknown (tell pandas with <code className="font-mono">keep_default_na=False</code>).
          </li>
          <li>
            The test archive holds <code className="font-mono">{TEST_IMAGES_DIR_NAME}/&lt;Image_Id&gt;.png</code>. Submit one row per Image_Id with the
            header <code className="font-mono">{SUBMISSION_CSV_HEADER.join(",")}</code>, like the sample submission.
          </li>
        </ul>
        <p className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
          <Link href="/explore" className="font-medium text-teal-800 underline hover:text-teal-950">Browse the training portraits</Link>
          <Link href="/starter-kit" className="font-medium text-teal-800 underline hover:text-teal-950">Get the starter kit</Link>
          <Link href="/terms" className="font-medium text-teal-800 underline hover:text-teal-950">Read the dataset terms</Link>
        </p>
      </section>
    </div>
  );
}

function TermsPanel({ signedIn, terms }: { signedIn: boolean; terms: Awaited<ReturnType<typeof getTermsStatus>> | null }) {
  if (!signedIn) {
    return (
      <div className="max-w-3xl space-y-3 rounded border border-amber-300 bg-amber-50 p-4 text-sm" data-testid="terms-status">
        <p>
          The portraits are licensed for research only. To download them, sign in and accept the dataset terms; every download is
          logged.
        </p>
        <p className="flex flex-wrap gap-3">
          <Link href={`/sign-in?callbackUrl=${encodeURIComponent("/data")}`} className={buttonClass}>Sign in</Link>
          <Link href="/terms?next=/data" className="self-center font-medium underline">Read the terms</Link>
        </p>
      </div>
    );
  }
  if (!terms?.acceptedCurrent) {
    return (
      <div className="max-w-3xl space-y-3 rounded border border-amber-300 bg-amber-50 p-4 text-sm" data-testid="terms-status">
        <p>
          {terms?.previousVersion
            ? `The dataset terms have changed since you accepted version ${terms.previousVersion}. Please accept the new version (${terms.currentVersion}) to keep downloading.`
            : "Before you download, please read and accept the dataset terms. Every download is logged."}
        </p>
        <Link href="/terms?next=/data" className={buttonClass}>Read and accept the terms</Link>
      </div>
    );
  }
  return (
    <p className="max-w-3xl rounded border border-teal-200 bg-teal-50 p-3 text-sm text-stone-800" data-testid="terms-status">
      You accepted the dataset terms (version <span className="font-mono">{terms.currentVersion}</span>) on{" "}
      {dateFormat.format(terms.acceptedAt!)}. Every download is logged with your account and IP address.
    </p>
  );
}
