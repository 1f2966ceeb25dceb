import fs from "node:fs";
import path from "node:path";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import ErrorPage from "../app/error";
import GlobalError from "../app/global-error";
import NotFound, { metadata as notFoundMetadata } from "../app/not-found";

const appDir = path.resolve(__dirname, "..", "app");

function pageFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "api" ? [] : pageFiles(full);
    return entry.name === "page.tsx" ? [full] : [];
  });
}

/** A server error as Next.js hands it to an error boundary: the digest set, the message internal. */
function serverError(): Error & { digest: string } {
  return Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5432 password=hunter2"), { digest: "1234567890" });
}

describe("App Router conventions", () => {
  it("gives every page a title through the metadata API, shown as 'Title · Tiny Portraits'", () => {
    const pages = pageFiles(appDir);
    expect(pages.length).toBeGreaterThanOrEqual(12);
    const untitled = pages.filter((file) => {
      const source = fs.readFileSync(file, "utf8");
      const exportsMetadata = /export const metadata\b[^=]*=\s*\{[^;]*\btitle:/s.test(source);
      const exportsGenerator = /export (async )?function generateMetadata\b/.test(source);
      return !exportsMetadata && !exportsGenerator;
    });
    expect(untitled.map((file) => path.relative(appDir, file))).toEqual([]);
    // The root layout imports server-only code (the header reads the session): read its source.
    const layout = fs.readFileSync(path.join(appDir, "layout.tsx"), "utf8");
    expect(layout).toMatch(/title: \{ default: "Tiny Portraits", template: "%s · Tiny Portraits" \}/);
  });

  it("checks the organizer role in every console page itself, not only in the console's layout", () => {
    // A client navigating inside /organizer asks the server for the changed page segment only,
    // and Next.js then renders that page without running the layout again: a check that lives
    // only in app/organizer/layout.tsx would not run for such a request.
    const pages = pageFiles(path.join(appDir, "organizer"));
    expect(pages.length).toBeGreaterThanOrEqual(10);
    const unchecked = pages.filter((file) => {
      const body = fs.readFileSync(file, "utf8").split(/export default async function \w+/)[1] ?? "";
      return !/^[^]*?\{[^]*?await requirePageOrganizer\(/.test(body.slice(0, 600));
    });
    expect(unchecked.map((file) => path.relative(appDir, file))).toEqual([]);
  });

  it("answers an unknown address with a page of the site, a way home and to the leaderboard", () => {
    expect(notFoundMetadata.title).toBe("Page not found");
    const html = renderToStaticMarkup(createElement(NotFound));
    expect(html).toContain("Page not found");
    expect(html).toContain('href="/"');
    expect(html).toContain('href="/leaderboard"');
  });

  it("shows a failed page's reference, a retry and a way home, never the error's message", () => {
    let retried = 0;
    const html = renderToStaticMarkup(createElement(ErrorPage, { error: serverError(), retry: () => (retried += 1) }));
    expect(html).toContain("Something went wrong");
    expect(html).toContain("1234567890");
    expect(html).toContain("Try again");
    expect(html).toContain('href="/"');
    expect(html).not.toContain("ECONNREFUSED");
    expect(html).not.toContain("hunter2");
    expect(retried).toBe(0);
    // A value thrown by client code need not be an Error at all.
    expect(renderToStaticMarkup(createElement(ErrorPage, { error: "boom", retry: () => {} }))).not.toContain("boom");
  });

  it("replaces the whole document when the root layout fails, with one title and no message", () => {
    const html = renderToStaticMarkup(createElement(GlobalError, { error: serverError(), retry: () => {} }));
    expect(html.match(/<title>/g)).toHaveLength(1);
    expect(html).toContain("1234567890");
    expect(html).not.toContain("hunter2");
  });

  it("ships a favicon.ico next to the SVG icon, so /favicon.ico is not a 404", () => {
    const ico = fs.readFileSync(path.join(appDir, "favicon.ico"));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]); // ICONDIR: reserved, type icon
    const count = ico.readUInt16LE(4);
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) {
      const size = ico.readUInt32LE(6 + 16 * i + 8);
      const offset = ico.readUInt32LE(6 + 16 * i + 12);
      expect(offset + size).toBeLessThanOrEqual(ico.length);
      expect(ico.subarray(offset, offset + 8).toString("latin1")).toBe("\x89PNG\r\n\x1a\n");
    }
    expect(fs.readFileSync(path.join(appDir, "icon.svg"), "utf8")).toMatch(/^<svg [^>]*viewBox="0 0 32 32"/);
  });
});
