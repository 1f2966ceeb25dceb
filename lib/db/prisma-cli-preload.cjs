// Preloaded (`node --require`) into every Prisma CLI process started by lib/db/prisma-cli.ts.
//
// The 6.x WebAssembly schema engine arms a 10-second timer (its advisory-lock timeout on
// PostgreSQL) and never clears it, so `prisma migrate deploy|status|diff` finishes its work
// in about a second and then idles for ten. Long timers are unref'd here: they still fire
// while the CLI is busy (open sockets and files keep the event loop alive), but no longer
// keep a finished process alive.
"use strict";
const LONG_TIMER_MS = 5000;
const originalSetTimeout = global.setTimeout;
global.setTimeout = function setTimeoutUnrefLong(callback, ms, ...args) {
  const timer = originalSetTimeout(callback, ms, ...args);
  if (typeof ms === "number" && ms >= LONG_TIMER_MS && typeof timer.unref === "function") timer.unref();
  return timer;
};
