import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ATTRIBUTES } from "@/lib/challenge/definition";
import { colourFeatureNetwork, colourGenerator } from "@/test-support/generation/colour-networks";
import { setUpScoringFixture } from "@/test-support/scoring/set-up-scoring-fixture";
import { scoreGenerationFile } from "@/scorer/handlers/score-generation-file";

// Attribute fidelity end to end: conditional ONNX generators run in the sandbox (which draws the
// requested attributes from the train label shares), their images scored by a feature network
// whose heads classify flat colours. The scorer redraws the requests from the same seed; if the
// two draws disagreed, the generator that follows its requests would not score 1.

const fixture = setUpScoringFixture({ count: 150, seed: 23 });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-gen-fidelity-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const COUNT = 600;

async function scoreGenerator(mode: "follows" | "ignores") {
  const g = colourGenerator(mode);
  const file = path.join(tmp, `${mode}.onnx`);
  fs.writeFileSync(file, g.onnx);
  const result = await scoreGenerationFile({
    dataDir: fixture.dataDir,
    buildDir: fixture.buildDir,
    kind: "generator",
    file,
    manifestJson: JSON.stringify(g.manifest),
    featureNetwork: { sha256: "colour".padEnd(64, "0"), bundle: colourFeatureNetwork() },
    settings: { sampleCount: COUNT, seed: 3 },
    tmpDir: tmp,
  });
  if (!result.ok) throw new Error(`${result.reason}: ${result.message}\n${result.log}`);
  return result.score;
}

describe("attribute fidelity of conditional generators (sandbox + scorer)", () => {
  it("scores 1 for a generator whose images encode the requested attributes", async () => {
    const s = await scoreGenerator("follows");
    expect(s.public.attributeFidelity).toEqual({ gender: 1, hairColor: 1, hairType: 1, mean: 1 });
    expect(s.private.attributeFidelityMean).toBe(1);
    // The grid lists only requested classes' samples, at most 4, all within the run.
    for (const attr of ATTRIBUTES)
      for (const list of Object.values(s.public.attributeGrid![attr])) {
        expect(list.length).toBeLessThanOrEqual(4);
        list.forEach((i) => expect(i).toBeLessThan(COUNT));
      }
  });

  it("scores far lower, near chance, for a generator that ignores the request", async () => {
    const f = (await scoreGenerator("ignores")).public.attributeFidelity!;
    // Independent predictions: macro-F1 is at most about 1/k plus sampling noise for k classes.
    expect(f.gender!).toBeLessThan(0.62);
    expect(f.hairColor!).toBeLessThan(0.32);
    expect(f.hairType!).toBeLessThan(0.45);
    expect(f.mean!).toBeLessThan(0.45);
  });
});
