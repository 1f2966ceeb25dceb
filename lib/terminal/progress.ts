import cliProgress from "cli-progress";

/**
 * Progress reporting for the organizer CLIs. On a terminal it draws cli-progress bars
 * (one per stage, with rate and ETA); when stderr is not a TTY (CI logs, pipes) it
 * prints one line per stage every few seconds instead of flooding the log.
 */
export interface StageProgress {
  update(stage: string, done: number, total: number): void;
  stop(): void;
}

export function createStageProgress(stream: NodeJS.WriteStream = process.stderr): StageProgress {
  if (stream.isTTY) return ttyProgress(stream);
  return lineProgress(stream);
}

function ttyProgress(stream: NodeJS.WriteStream): StageProgress {
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: " {stage} |{bar}| {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}",
      hideCursor: true,
      clearOnComplete: false,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, { bar: cliProgress.SingleBar; started: number }>();
  return {
    update(stage, done, total) {
      let entry = bars.get(stage);
      if (!entry) {
        entry = { bar: multi.create(total, 0, { stage: stage.padEnd(14), rate: "0" }), started: Date.now() };
        bars.set(stage, entry);
      }
      const seconds = Math.max(0.001, (Date.now() - entry.started) / 1000);
      entry.bar.setTotal(total);
      entry.bar.update(done, { stage: stage.padEnd(14), rate: Math.round(done / seconds).toLocaleString("en") });
    },
    stop() {
      multi.stop();
    },
  };
}

function lineProgress(stream: NodeJS.WriteStream): StageProgress {
  const state = new Map<string, { started: number; lastPrint: number; finished: boolean }>();
  return {
    update(stage, done, total) {
      const now = Date.now();
      let s = state.get(stage);
      if (!s) {
        s = { started: now, lastPrint: 0, finished: false };
        state.set(stage, s);
      }
      const finished = done >= total;
      if (s.finished || (!finished && now - s.lastPrint < 3000)) return;
      s.lastPrint = now;
      s.finished = finished;
      const seconds = Math.max(0.001, (now - s.started) / 1000);
      const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
      // A rate measured over a few milliseconds is noise, not information.
      const rate = seconds >= 0.5 ? `, ${Math.round(done / seconds)}/s` : "";
      stream.write(`${stage}: ${done}/${total} (${pct}%)${rate}${finished ? `, done in ${seconds.toFixed(1)} s` : ""}\n`);
    },
    stop() {},
  };
}
