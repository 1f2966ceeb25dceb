import cliProgress from "cli-progress";
import type { EpochReport } from "@/lib/baselines/types";

/**
 * Progress of one baseline run: a bar per stage (feature extraction, batches) with rate, and an
 * epoch bar carrying the loss and the held-out macro-F1s. On a terminal these are cli-progress
 * bars; otherwise (CI logs, pipes) one line per epoch and a line per finished stage.
 */
export interface BaselineProgress {
  stage(stage: string, done: number, total: number): void;
  epoch(report: EpochReport): void;
  stop(): void;
}

const f = (x: number | null) => (x === null ? " n/a " : x.toFixed(3));

export function createBaselineProgress(options: { name: string; stream?: NodeJS.WriteStream }): BaselineProgress {
  const stream = options.stream ?? process.stderr;
  const name = options.name.padEnd(15);
  if (!stream.isTTY) {
    const started = new Map<string, number>();
    return {
      stage(stage, done, total) {
        if (!started.has(stage)) started.set(stage, Date.now());
        if (done >= total && stage !== "training") {
          const s = Math.max(0.001, (Date.now() - started.get(stage)!) / 1000);
          stream.write(`${name} ${stage}: ${total} in ${s.toFixed(1)} s (${Math.round(total / s)}/s)\n`);
        }
      },
      epoch(r) {
        const v = r.validation.macroF1;
        stream.write(
          `${name} epoch ${r.epoch}/${r.epochs} loss ${r.loss.toFixed(4)} held-out macro-F1 gender ${f(v.Gender)} colour ${f(v.Hair_Color)} type ${f(v.Hair_Type)} main ${r.validation.main.toFixed(4)}\n`,
        );
      },
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar(
    { stream, hideCursor: true, clearOnComplete: false, barsize: 24, format: " {name} {stage} |{bar}| {value}/{total} {info}" },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, { bar: cliProgress.SingleBar; started: number }>();
  const bar = (stage: string, total: number) => {
    let entry = bars.get(stage);
    if (!entry) {
      entry = { bar: multi.create(total, 0, { name, stage: stage.padEnd(14), info: "" }), started: Date.now() };
      bars.set(stage, entry);
    }
    entry.bar.setTotal(total);
    return entry;
  };
  return {
    stage(stage, done, total) {
      if (stage === "training") return; // the epoch bar shows it
      const entry = bar(stage, total);
      const s = Math.max(0.001, (Date.now() - entry.started) / 1000);
      entry.bar.update(done, { info: `| ${Math.round(done / s)} images/s` });
    },
    epoch(r) {
      const v = r.validation.macroF1;
      bar("epochs", r.epochs).bar.update(r.epoch, {
        info: `| loss ${r.loss.toFixed(4)} | held-out macro-F1 G ${f(v.Gender)} C ${f(v.Hair_Color)} T ${f(v.Hair_Type)} | main ${r.validation.main.toFixed(4)}`,
      });
    },
    stop() {
      multi.stop();
    },
  };
}
