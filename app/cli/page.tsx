import { PageSection } from "../page-section";
import type { Metadata } from "next";
import Link from "next/link";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "API & CLI" };

const pre = "overflow-x-auto rounded bg-stone-900 p-3 font-mono text-xs leading-relaxed text-stone-100";
const code = "rounded bg-stone-100 px-1 font-mono text-xs";

/** How to use the platform from a terminal or a script: the two CLIs, tokens, and the raw HTTP API. */
export default function CliPage() {
  const site = env().publicUrl;
  return (
    <div className="max-w-3xl space-y-8">
      <header className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">API &amp; CLI</h1>
        <p className="text-stone-700">
          Download the data, submit and read your scores from a terminal or a training script. You need a personal API token: create one on{" "}
          <Link className="underline" href="/account#tokens">
            your account page
          </Link>{" "}
          (it is shown once; give it the <em>read</em> and <em>submit</em> scopes). The token works only for the participant API below; it
          cannot sign in, change your account or create other tokens.
        </p>
      </header>

      <PageSection id="node" title="Node.js client (Node 18+, one file, no install)">
        <pre className={pre} data-testid="node-commands">{`curl -fsSLO ${site}/api/cli/tp.mjs
node tp.mjs login --url ${site}          # asks for the token; stored with 0600 permissions
node tp.mjs download --dir data          # every file, resumable, SHA-256 checked
node tp.mjs submit predictions.csv --description "first try" --wait
node tp.mjs submit model.zip --wait      # or: model.onnx --manifest manifest.json
node tp.mjs submissions
node tp.mjs leaderboard
node tp.mjs final ID1 ID2                # your picks for the private leaderboard`}</pre>
        <p className="text-sm text-stone-600">
          <a className="underline" href="/api/cli/tp.mjs" download>
            Download tp.mjs
          </a>
          . The token is kept in <code className={code}>~/.config/tiny-portraits/credentials.json</code>;{" "}
          <code className={code}>TP_URL</code> and <code className={code}>TP_TOKEN</code> override it (for CI).
        </p>
      </PageSection>

      <PageSection id="python" title="Python client (3.8+, standard library only)">
        <pre className={pre} data-testid="python-commands">{`curl -fsSLO ${site}/api/cli/tp.py
python3 tp.py login --url ${site}
python3 tp.py download --dir data
python3 tp.py submit predictions.csv --wait
python3 tp.py submit model.onnx --manifest manifest.json --wait
python3 tp.py submissions
python3 tp.py leaderboard
python3 tp.py final ID1 ID2`}</pre>
        <p className="text-sm text-stone-600">
          <a className="underline" href="/api/cli/tp.py" download>
            Download tp.py
          </a>
          . Both clients are also in the{" "}
          <Link className="underline" href="/starter-kit">
            starter kit
          </Link>{" "}
          (<code className={code}>cli/</code>).
        </p>
      </PageSection>

      <PageSection id="http" title="The HTTP API">
        <p className="text-sm text-stone-700">
          Send the token as a header. Errors are always JSON:{" "}
          <code className={code}>{`{ "error": { "code", "message", "details" } }`}</code>.
        </p>
        <pre className={pre}>{`export TP_TOKEN=tp_...
curl -H "Authorization: Bearer $TP_TOKEN" ${site}/api/downloads                  # the files, sizes, SHA-256
curl -C - -OJ -H "Authorization: Bearer $TP_TOKEN" ${site}/api/downloads/SHA256SUMS
curl -H "Authorization: Bearer $TP_TOKEN" --data-binary @predictions.csv \\
     "${site}/api/submissions?fileName=predictions.csv&kind=csv"
curl -H "Authorization: Bearer $TP_TOKEN" ${site}/api/submissions             # yours, and today's quota
curl -H "Authorization: Bearer $TP_TOKEN" ${site}/api/submissions/ID          # one, with its scores
curl -X PUT -H "Authorization: Bearer $TP_TOKEN" -H "content-type: application/json" \\
     -d '{"submissionIds":["ID1","ID2"]}' ${site}/api/submissions/final
curl ${site}/api/leaderboard`}</pre>
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b border-stone-300">
              <th className="py-1 pr-3">route</th>
              <th className="py-1 pr-3">scope</th>
              <th className="py-1">answers</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-200">
            <tr>
              <td className="py-1 pr-3 font-mono text-xs">GET /api/downloads[/NAME]</td>
              <td className="pr-3">read</td>
              <td>the list; a file (Range, If-Range, Content-Length; 403 until you accept the terms)</td>
            </tr>
            <tr>
              <td className="py-1 pr-3 font-mono text-xs">POST /api/submissions</td>
              <td className="pr-3">submit</td>
              <td>201; 400 with line-numbered details; 413; 429 with Retry-After</td>
            </tr>
            <tr>
              <td className="py-1 pr-3 font-mono text-xs">GET /api/submissions[/ID]</td>
              <td className="pr-3">read</td>
              <td>your submissions and quota; one with its scores</td>
            </tr>
            <tr>
              <td className="py-1 pr-3 font-mono text-xs">PUT /api/submissions/final</td>
              <td className="pr-3">submit</td>
              <td>your final picks</td>
            </tr>
            <tr>
              <td className="py-1 pr-3 font-mono text-xs">GET /api/leaderboard[/csv]</td>
              <td className="pr-3">none (public)</td>
              <td>the board as JSON or CSV</td>
            </tr>
          </tbody>
        </table>
        <p className="text-sm text-stone-600">
          The same rules as in the browser apply: the daily quota, the dataset terms and a confirmed e-mail address. One token may make{" "}
          {env().API_TOKEN_REQUESTS_PER_MINUTE} requests a minute (429 with Retry-After beyond that).
        </p>
      </PageSection>
    </div>
  );
}
