import { describe, expect, it } from "vitest";
import { isValidRouterState } from "./is-valid-router-state";

const enc = (v: unknown) => encodeURIComponent(JSON.stringify(v));

describe("isValidRouterState", () => {
  it("accepts the trees a browser sends", () => {
    expect(isValidRouterState(enc(["", { children: ["organizer", { children: ["__PAGE__", {}] }] }]))).toBe(true);
    expect(isValidRouterState(enc(["", { children: [["id", "abc", "d", null], {}, ["/x", "/x"], "refetch", 1, "k"] }]))).toBe(true);
  });
  it("refuses what Next.js would fail on with a 500", () => {
    for (const bad of [
      "not json",
      "%E0%A4%A",
      enc(["", {}, null, null, true]),
      enc(["", { children: "x" }]),
      enc([["id", "abc", "zz", null], {}]),
      enc({}),
      enc([""]),
      "[".repeat(50_000),
    ])
      expect(isValidRouterState(bad), bad.slice(0, 40)).toBe(false);
  });
});
