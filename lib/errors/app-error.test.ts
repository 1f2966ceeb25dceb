import { describe, expect, it } from "vitest";
import { AppError, APP_ERROR_CODES, INTERNAL_ERROR_MESSAGE, httpStatusFor, isAppError, toUserError } from "./app-error";

describe("AppError", () => {
  it("maps every code to an HTTP status", () => {
    expect(APP_ERROR_CODES.map((c) => [c, httpStatusFor(c)])).toEqual([
      ["validation", 400],
      ["unauthorized", 401],
      ["forbidden", 403],
      ["not-found", 404],
      ["conflict", 409],
      ["too-large", 413],
      ["quota-exceeded", 429],
      ["unavailable", 503],
      ["internal", 500],
    ]);
  });

  it("shows the user message and details, never the internal text", () => {
    const err = new AppError("validation", {
      user: "The file was not accepted.",
      internal: "/srv/data/uploads/x: bad",
      details: [{ line: 3, message: "unknown id" }],
    });
    expect(err.message).toBe("/srv/data/uploads/x: bad");
    expect(toUserError(err)).toEqual({
      code: "validation",
      status: 400,
      message: "The file was not accepted.",
      details: [{ line: 3, message: "unknown id" }],
    });
    expect(JSON.stringify(toUserError(err))).not.toContain("/srv");
  });

  it("turns anything else into a plain 500", () => {
    for (const thrown of [new Error("SELECT * FROM secrets failed at /srv/app"), "string", null, { code: "validation" }]) {
      expect(toUserError(thrown)).toEqual({ code: "internal", status: 500, message: INTERNAL_ERROR_MESSAGE });
    }
  });

  it("recognises an AppError from another copy of the module by name and shape", () => {
    const foreign = Object.assign(new Error("x"), { name: "AppError", code: "forbidden", userMessage: "No." });
    expect(isAppError(foreign)).toBe(true);
    expect(toUserError(foreign)).toMatchObject({ status: 403, message: "No." });
    expect(isAppError(Object.assign(new Error("x"), { name: "AppError", code: "teapot", userMessage: "" }))).toBe(false);
  });

  it("carries Retry-After for quota errors", () => {
    expect(toUserError(new AppError("quota-exceeded", { user: "Come back tomorrow.", retryAfterSeconds: 3600 }))).toMatchObject({
      status: 429,
      retryAfterSeconds: 3600,
    });
  });
});
