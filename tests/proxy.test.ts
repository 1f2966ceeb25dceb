import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { config, contentSecurityPolicy, proxy } from "../proxy";

const req = (path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) =>
  new NextRequest(new URL(path, "http://localhost"), { method: init.method ?? "GET", body: init.body, headers: init.headers });
/** NextResponse.next() marks the request as passed on. */
const passed = (res: Response) => res.headers.get("x-middleware-next") === "1";

describe("proxy.ts", () => {
  it("answers a malformed percent-escape with 400: JSON on the API, text on pages", async () => {
    const api = await proxy(req("/api/submissions/%ZZ"));
    expect(api.status).toBe(400);
    expect(await api.json()).toMatchObject({ error: { code: "validation" } });
    const page = await proxy(req("/submissions/%E0%A4%A"));
    expect(page.status).toBe(400);
    expect(page.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(passed(await proxy(req("/submissions/ok%20id")))).toBe(true);
  });

  it("sets a CSP with a fresh nonce on the response and on the request Next.js renders", async () => {
    const a = await proxy(req("/"));
    const b = await proxy(req("/"));
    const nonceOf = (r: Response) => /'nonce-([^']+)'/.exec(r.headers.get("content-security-policy") ?? "")?.[1];
    expect(nonceOf(a)).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonceOf(a)).not.toBe(nonceOf(b));
    // The request headers Next.js renders with (it takes the nonce from them).
    expect(a.headers.get("x-middleware-request-x-nonce")).toBe(nonceOf(a));
    expect(a.headers.get("x-middleware-request-content-security-policy")).toContain(`'nonce-${nonceOf(a)}'`);
    expect(contentSecurityPolicy({ nonce: "n", dev: false, https: false })).not.toMatch(/unsafe-eval|upgrade-insecure/);
    expect(contentSecurityPolicy({ nonce: "n", dev: true, https: true })).toMatch(/'unsafe-eval'.*upgrade-insecure-requests/);
  });

  it("refuses server-action bodies Next.js could not decode, and passes the ones React sends", async () => {
    const action = (body: string, type: string) =>
      proxy(req("/terms", { method: "POST", body, headers: { "next-action": "a".repeat(42), "content-type": type } }));
    for (const [body, type] of [
      ["this is not json", "text/plain;charset=UTF-8"],
      ["{not json", "text/plain;charset=UTF-8"],
      ['{"name":"x"}', "text/plain;charset=UTF-8"],
      ["", "text/plain"],
      ["--b\r\ngarbage", "multipart/form-data; boundary=b"],
      ['--b\r\nContent-Disposition: form-data; name="1_agree"\r\n\r\non\r\n--b--\r\n', "multipart/form-data; boundary=b"],
      ["a=1", "application/x-www-form-urlencoded"],
    ]) {
      expect((await action(body, type)).status, `${type}: ${body}`).toBe(400);
    }
    expect(passed(await action('[{"name":"Ann","email":"a@b.c","password":"x"}]', "text/plain;charset=UTF-8"))).toBe(true);
    const form =
      '--b\r\nContent-Disposition: form-data; name="1_agree"\r\n\r\non\r\n--b\r\nContent-Disposition: form-data; name="0"\r\n\r\n["$K1"]\r\n--b--\r\n';
    expect(passed(await action(form, "multipart/form-data; boundary=b"))).toBe(true);
    // Browsers' boundaries are mixed case (and the body uses them as sent): a lower-cased
    // boundary once refused every form action Chromium posted (the e-mail confirmation button).
    const B = "----WebKitFormBoundaryWG8WfO7XAje2zuYz";
    const chromium = `--${B}\r\nContent-Disposition: form-data; name="_1_token"\r\n\r\nabc\r\n--${B}\r\nContent-Disposition: form-data; name="0"\r\n\r\n["$K1"]\r\n--${B}--\r\n`;
    expect(passed(await action(chromium, `multipart/form-data; boundary=${B}`))).toBe(true);
  });

  it("refuses a next-auth POST whose JSON body does not parse", async () => {
    const auth = (body: string, type: string) =>
      proxy(req("/api/auth/callback/credentials", { method: "POST", body, headers: { "content-type": type } }));
    expect((await auth("{not json", "application/json")).status).toBe(400);
    expect(passed(await auth('{"json":"true"}', "application/json"))).toBe(true);
    expect(passed(await auth("csrfToken=x&email=a", "application/x-www-form-urlencoded"))).toBe(true);
  });

  it("leaves static files and the streaming upload route out of the proxy", () => {
    const re = new RegExp(`^${config.matcher[0].source}$`);
    expect(re.test("/_next/static/chunks/a.js")).toBe(false);
    expect(re.test("/api/submissions")).toBe(false);
    expect(re.test("/api/submissions/abc")).toBe(true);
    expect(re.test("/api/submissions/final")).toBe(true);
    expect(re.test("/leaderboard")).toBe(true);
  });
});
