/** Child-process fixture of lib/workers tests: prints its arguments and one variable as JSON. */
import { describeFixture } from "./fixture-helper";

const [greeting = ""] = process.argv.slice(2);
process.stdout.write(
  JSON.stringify({ ...describeFixture(greeting), env: process.env.TP_FIXTURE ?? null, execArgv: process.execArgv }) + "\n",
);
