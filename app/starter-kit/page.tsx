import { PageIntro } from "../page-intro";
import { PageSection } from "../page-section";
import type { Metadata } from "next";
import Link from "next/link";
import { getStarterKitOverview } from "@/lib/starter-kit/get-starter-kit-overview";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Starter kit" };

const buttonClass =
  "inline-block rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500 focus:ring-offset-2";
const codeBlockClass = "overflow-x-auto rounded border border-stone-200 bg-stone-50 p-3 font-mono text-xs leading-relaxed text-stone-800";

/** A file of the kit, shown as the build wrote it. */
function CodeBlock(props: { testId: string; children: string }) {
  return (
    <pre className={codeBlockClass} data-testid={props.testId}>
      {props.children}
    </pre>
  );
}

/** The starter kit: what is in it, how to run it, and the exact manifests a model upload needs. */
export default async function StarterKitPage() {
  const kit = await getStarterKitOverview();
  return (
    <div className="space-y-10">
      <PageIntro title="Starter kit">
        <p className="max-w-3xl text-stone-700">
          A first valid submission in minutes on a plain CPU: a TypeScript training script that trains a small multitask CNN with the
          platform&apos;s ONNX training engine and writes both a model bundle and a predictions CSV, and a guide from PyTorch to an ONNX
          submission with the exact manifest to upload. The kit contains no images; the data comes from the{" "}
          <Link href="/data" className="text-teal-800 underline hover:text-teal-950">
            Data page
          </Link>
          .
        </p>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <a href="/api/starter-kit" download={kit.fileName} className={buttonClass} data-testid="starter-kit-download">
            Download {kit.fileName}
          </a>
          <span className="text-sm text-stone-600">
            {kit.size}, {kit.fileCount} files
          </span>
        </div>
        <p className="font-mono text-xs break-all text-stone-500">
          <span className="font-sans">SHA-256 </span>
          {kit.sha256}
        </p>
      </PageIntro>

      <PageSection id="typescript" title="TypeScript (ONNX training engine)">
        <p className="max-w-3xl text-sm text-stone-700">
          Needs Node.js 20.19 or newer. Put the four downloads of the Data page into the kit&apos;s <code>data/</code> folder, then:
        </p>
        <pre className={codeBlockClass}>{`cd tiny-portraits-starter-kit
npm install
npm run train            # or: npm run train -- --epochs 1 --max-train-images 5000`}</pre>
        <p className="max-w-3xl text-sm text-stone-700">
          It prints the validation macro-F1 of each attribute after every epoch and writes <code>out/tiny-portraits-model.zip</code> (upload
          it as a model) and <code>out/predictions.csv</code> (or upload this as a CSV). Each training step is one ONNX graph run by
          onnxruntime on the CPU&apos;s cores, the engine the organizers&apos; cnn baseline trains with; the bundle holds{" "}
          <code>model.onnx</code> and the manifest it writes:
        </p>
        <CodeBlock testId="typescript-manifest">{kit.typescriptManifest}</CodeBlock>
      </PageSection>

      <PageSection id="pytorch" title="PyTorch to ONNX">
        <p className="max-w-3xl text-sm text-stone-700">
          <code>pytorch/train_export.py</code> trains the same kind of network with PyTorch and exports it. What matters for your own model:
          the input is a float32 <code>[N, 3, 108, 84]</code> tensor (NCHW, RGB) normalised like <code>ToTensor()</code> then{" "}
          <code>Normalize(mean, std)</code>; the batch dimension is dynamic; there is one output per attribute, named after it.
        </p>
        <CodeBlock testId="onnx-export">{kit.onnxExport}</CodeBlock>
        <p className="max-w-3xl text-sm text-stone-700">
          Zip <code>model.onnx</code> with this <code>manifest.json</code>, or upload the <code>.onnx</code> alone and paste the manifest
          into the upload form:
        </p>
        <CodeBlock testId="onnx-manifest">{kit.onnxManifest}</CodeBlock>
      </PageSection>

      <PageSection id="submit" title="Submitting">
        <p className="max-w-3xl text-sm text-stone-700">
          On the{" "}
          <Link href="/submit" className="text-teal-800 underline hover:text-teal-950">
            Submit page
          </Link>
          , upload one of:
        </p>
        <ul className="max-w-3xl list-disc space-y-1 pl-5 text-sm text-stone-700">
          <li>
            A <strong>predictions CSV</strong>: header <code>Image_Id,Gender,Hair_Color,Hair_Type</code>, one row per test image, one class
            per attribute (never <code>n/a</code>).
          </li>
          <li>
            A <strong>model</strong>: a zip with <code>manifest.json</code> beside the model files (<code>tfjs-layers</code>,{" "}
            <code>tfjs-graph</code> or <code>onnx</code>), or a single <code>.onnx</code> with its manifest. It runs on the hidden test
            images in a sandbox and is scored exactly like a CSV.
          </li>
        </ul>
        <p className="max-w-3xl text-sm text-stone-700">
          The kit&apos;s <code>README.md</code> describes every manifest field; <code>pytorch/README.md</code> explains the export step by
          step.
        </p>
        <p className="max-w-3xl text-sm text-stone-700">
          Or from a terminal: the kit&apos;s <code>cli/tp.mjs</code> (Node) and <code>cli/tp.py</code> (Python) download the data, submit
          and print your scores with a personal API token; see{" "}
          <Link href="/cli" className="text-teal-800 underline hover:text-teal-950">
            API &amp; CLI
          </Link>
          .
        </p>
      </PageSection>
    </div>
  );
}
