import cliProgress from "cli-progress";
import type { BatchReport, EpochReport } from "@/lib/baselines/types";

/**
 * Progress of one baseline run: a bar per stage (feature extraction), a batch bar for the
 * current epoch of a batch-trained baseline (images, images/s, running loss), and an epoch bar
 * carrying the loss and the held-out macro-F1s. On a terminal these are cli-progress bars;
 * otherwise (CI logs, pipes, the `npm start` log of the background CNN) one line per epoch, a
 * line per finished stage and a batch line at most every `lineIntervalMs` (default 30 s).
 */
export interface BaselineProgress {
  stage(stage: string, done: number, total: number): void;
  batch(report: BatchReport): void;
  epoch(report: EpochReport): void;
  stop(): void;
}

const f = (x: number | null) => (x === null ? " n/a " : x.toFixed(3));
const rate = (r: { imagesPerSecond?: number }) => (r.imagesPerSecond === undefined ? "" : ` ${r.imagesPerSecond.toFixed(1)} images/s`);

export function createBaselineProgress(options: { name: string; stream?: NodeJS.WriteStream; lineIntervalMs?: number }): BaselineProgress {
  const stream = options.stream ?? process.stderr;
  const name = options.name.padEnd(15);
  if (!stream.isTTY) {
    const started = new Map<string, number>();
    const interval = options.lineIntervalMs ?? 30_000;
    let lastBatchLine = Date.now();
    return {
      stage(stage, done, total) {
        if (!started.has(stage)) started.set(stage, Date.now());
        if (done >= total && stage !== "training") {
          const s = Math.max(0.001, (Date.now() - started.get(stage)!) / 1000);
          stream.write(`${name} ${stage}: ${total} in ${s.toFixed(1)} s (${Math.round(total / s)}/s)\n`);
        }
      },
      batch(r) {
        const now = Date.now();
        if (now - lastBatchLine < interval || r.images >= r.imagesTotal) return;
        lastBatchLine = now;
        stream.write(`${name} epoch ${r.epoch}/${r.epochs} ${r.images}/${r.imagesTotal} images${rate(r)} loss ${r.loss.toFixed(4)}\n`);
      },
      epoch(r) {
        lastBatchLine = Date.now();
        const v = r.validation.macroF1;
        stream.write(
          `${name} epoch ${r.epoch}/${r.epochs} loss ${r.loss.toFixed(4)}${rate(r)} held-out macro-F1 gender ${f(v.Gender)} colour ${f(v.Hair_Color)} type ${f(v.Hair_Type)} main ${r.validation.main.toFixed(4)}\n`,
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
    batch(r) {
      // One bar for the batches, reused every epoch (its label says which).
      bar("batches", r.imagesTotal).bar.update(r.images, {
        stage: `epoch ${r.epoch}/${r.epochs}`.padEnd(14),
        info: `|${rate(r)} | loss ${r.loss.toFixed(4)}`,
      });
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
