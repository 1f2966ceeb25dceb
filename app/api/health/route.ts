import { NextResponse } from "next/server";

export const dynamic = "force-dynamic";

/** Liveness for process managers and the e2e harness. Says nothing about internals. */
export function GET() {
  return NextResponse.json({ ok: true });
}
