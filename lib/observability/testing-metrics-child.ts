// Test-only child process (serve-metrics.test.ts): asks its parent for metrics over IPC, as the
// web server does under npm start, prints what it got as JSON and exits.
import { parentMetrics } from "./serve-metrics";

void parentMetrics(5000).then((snapshots) => {
  process.stdout.write(JSON.stringify(snapshots.map((s) => s.map((m) => m.name))) + "\n");
  process.disconnect?.();
});
