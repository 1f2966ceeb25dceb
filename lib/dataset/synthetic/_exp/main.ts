import { Worker } from "node:worker_threads";
import path from "node:path";
async function tryIt(name: string, mk: () => Worker) {
  try {
    const w = mk();
    const r = await new Promise((res, rej) => { w.once("message", res); w.once("error", rej); setTimeout(() => rej(new Error("timeout")), 10000); });
    console.log(name, "OK", JSON.stringify(r));
    await w.terminate();
  } catch (e) { console.log(name, "FAIL", String(e).slice(0, 200)); }
}
export async function run() {
  let u: URL | undefined;
  try { u = new URL("./w.ts", import.meta.url); console.log("import.meta.url", import.meta.url); } catch (e) { console.log("no import.meta.url", String(e)); }
  const file = path.join(__dirname, "w.ts");
  console.log("__dirname", __dirname);
  if (u) await tryIt("url-plain", () => new Worker(u!, { workerData: 1 }));
  if (u) await tryIt("url-import-tsx", () => new Worker(u!, { workerData: 2, execArgv: ["--import", "tsx"] }));
  await tryIt("file-import-tsx", () => new Worker(file, { workerData: 3, execArgv: ["--import", "tsx"] }));
  await tryIt("eval-require-tsx-cjs", () => new Worker(`require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(file)});`, { eval: true, workerData: 4 }));
  await tryIt("eval-register", () => new Worker(`const api = require(${JSON.stringify(require.resolve("tsx/cjs/api"))}); api.register(); require(${JSON.stringify(file)});`, { eval: true, workerData: 5 }));
}
if (process.argv[1]?.endsWith("main.ts")) run();
