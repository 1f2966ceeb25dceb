import { parentPort, workerData } from "node:worker_threads";
const x: number = 41;
parentPort!.postMessage({ ok: x + 1, wd: workerData });
