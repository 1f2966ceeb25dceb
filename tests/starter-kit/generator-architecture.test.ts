import { describe, expect, it } from "vitest";
import { vaeGeneratorSpec, VAE_POOL } from "../../lib/generation/train-vae-generator";
import { createGeneratorModel, GENERATOR_POOL } from "../../starter-kit/src/create-generator-model";

/**
 * The kit's generator (starter-kit/src/create-generator-model.ts) is written out in the kit on
 * purpose: it is the participant's to read and change, and the downloaded kit cannot import the
 * platform's baseline. Its comment says it starts as the organizers' vae baseline
 * (lib/generation/train-vae-generator.ts), whose scores the kit's README quotes: this keeps the two
 * the same until one of them is changed on purpose (then change this test).
 */
describe("the starter kit's generator", () => {
  it("is the organizers' vae baseline's architecture, at every width", () => {
    expect(GENERATOR_POOL).toBe(VAE_POOL);
    for (const width of [undefined, 4, 32]) {
      expect(createGeneratorModel({ width })).toEqual(vaeGeneratorSpec({ width, name: "starter_vae" }));
    }
  });
});
