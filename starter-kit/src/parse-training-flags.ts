import os from "node:os";
import { parseArgs } from "node:util";
import { KitError } from "./kit-error";
import { parsePositiveFlag, parseWholeFlag } from "./parse-number-flag";

/** The flags both training commands take, parsed. */
export interface TrainingFlags {
  /** Folder with the downloads. */
  data: string;
  /** Where the outputs go. */
  out: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Train on a random subset of this many images (undefined: all). */
  maxTrainImages?: number;
  seed: number;
  /** CPU threads of onnxruntime. */
  threads: number;
  skipChecksums: boolean;
}

/**
 * The command line of one of the kit's training commands (src/train.ts, src/train-generator.ts):
 * the flags they share, checked the same way in both, with the command's own defaults for
 * --epochs and --batch-size; and the command's own flags (`own`: name -> default), returned as
 * text for the command to check. A flag that does not parse is a KitError followed by `usage`;
 * --help returns "help".
 */
export function parseTrainingFlags<Own extends string>(options: {
  argv: string[];
  usage: string;
  defaults: { epochs: number; batchSize: number };
  /** The smallest batch the command can train on. */
  minBatchSize: number;
  own: Record<Own, string>;
}): { flags: TrainingFlags; own: Record<Own, string> } | "help" {
  const ownNames = Object.keys(options.own) as Own[];
  let values;
  try {
    ({ values } = parseArgs({
      args: options.argv,
      options: {
        data: { type: "string", default: "data" },
        out: { type: "string", default: "out" },
        epochs: { type: "string", default: String(options.defaults.epochs) },
        "batch-size": { type: "string", default: String(options.defaults.batchSize) },
        "learning-rate": { type: "string", default: "0.002" },
        "max-train-images": { type: "string" },
        seed: { type: "string", default: "1" },
        threads: { type: "string", default: String(os.availableParallelism()) },
        "skip-checksums": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
        ...Object.fromEntries(ownNames.map((name) => [name, { type: "string" as const, default: options.own[name] }])),
      },
    }));
  } catch (e) {
    throw new KitError(`${(e as Error).message}\n\n${options.usage}`);
  }
  if (values.help) return "help";
  const maxTrainImages = values["max-train-images"];
  return {
    flags: {
      data: values.data,
      out: values.out,
      epochs: parseWholeFlag("epochs", values.epochs, 1),
      batchSize: parseWholeFlag("batch-size", values["batch-size"], options.minBatchSize),
      learningRate: parsePositiveFlag("learning-rate", values["learning-rate"], 1),
      maxTrainImages: maxTrainImages === undefined ? undefined : parseWholeFlag("max-train-images", maxTrainImages, 2),
      seed: parseWholeFlag("seed", values.seed, 0),
      threads: parseWholeFlag("threads", values.threads, 1),
      skipChecksums: values["skip-checksums"],
    },
    own: Object.fromEntries(ownNames.map((name) => [name, String((values as Record<string, unknown>)[name])])) as Record<Own, string>,
  };
}
