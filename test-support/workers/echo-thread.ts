/**
 * Worker-thread fixture of lib/workers tests: answers with what it can only know by running
 * as bundled TypeScript (a type-only import, a project module through the `@/` alias, a
 * dependency from node_modules, a generated JavaScript file left in place).
 */
import { parentPort, workerData } from "node:worker_threads";
import { z } from "zod";
import { IMAGE_WIDTH } from "@/lib/challenge/definition";
import { describeFixture, type FixtureAnswer } from "./fixture-helper";
import inPlace from "./in-place.cjs";

const input = z.object({ greeting: z.string() }).parse(workerData);
const answer: FixtureAnswer = {
  ...describeFixture(input.greeting),
  imageWidth: IMAGE_WIDTH,
  inPlaceDir: inPlace.dirname,
  file: __filename,
};
parentPort!.postMessage(answer);
