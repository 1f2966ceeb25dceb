import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { describeEachEngine } from "../test-support/test-db";
import { createFixtureUser } from "../test-support/organizer/organizer-fixtures";
import { runUsersCommand } from "../lib/organizer/run-users-command";

const execFileAsync = promisify(execFile);

describeEachEngine("users CLI", (t) => {
  const run = async (args: string[], organizerEmails: string[] = []) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runUsersCommand({ db: t.db, args, out: (s) => out.push(s), err: (s) => err.push(s), organizerEmails });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  it("promotes and demotes by e-mail (any case) and lists the roles", async () => {
    const user = await createFixtureUser({ db: t.db });
    const promoted = await run(["promote", user.email.toUpperCase()]);
    expect(promoted).toMatchObject({ code: 0, err: `${user.email} is now an organizer` });
    expect((await t.db.user.findUnique({ where: { id: user.id } }))?.role).toBe("organizer");
    expect((await run(["promote", user.email])).err).toBe(`${user.email} is already an organizer`);

    const list = await run(["list"]);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`${user.email.replace(/\./g, "\\.")}\\s+organizer\\s+0`));

    const demoted = await run(["demote", user.email], [user.email]);
    expect(demoted.code).toBe(0);
    expect(demoted.err).toContain("is now a participant");
    expect(demoted.err).toContain("ORGANIZER_EMAILS");
    expect((await t.db.user.findUnique({ where: { id: user.id } }))?.role).toBe("participant");
  });

  it("says clearly when the e-mail is unknown or not an e-mail, and changes nothing", async () => {
    const before = await t.db.user.count({ where: { role: "organizer" } });
    const unknown = await run(["promote", "nobody@example.test"]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe(
      "error: No account with the e-mail address nobody@example.test. Run `npm run users -- list` to see the accounts.",
    );
    expect((await run(["promote", "not-an-email"])).err).toContain("is not an e-mail address");
    expect((await run(["promote"])).code).toBe(1);
    expect((await run(["frobnicate"])).code).toBe(1);
    expect(await t.db.user.count({ where: { role: "organizer" } })).toBe(before);
  });

  it("keeps the owner of the baselines an organizer", async () => {
    const owner = await createFixtureUser({ db: t.db, role: "organizer" });
    await t.db.baseline.create({ data: { name: `b-${owner.id}`, title: "Prior", ownerId: owner.id } });
    const refused = await run(["demote", owner.email]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("owns the baseline models");
  });

  // One process start is enough to prove the wiring: reported as skipped on PostgreSQL, not passed.
  it.skipIf(t.engine !== "sqlite")("runs as `npm run users` on the database of DATABASE_URL", async () => {
    const user = await createFixtureUser({ db: t.db });
    const root = path.resolve(__dirname, "..");
    const env = { ...process.env, DATABASE_URL: t.url };
    const promote = await execFileAsync(process.execPath, ["--import", "tsx", "cli/users.ts", "promote", user.email], { cwd: root, env });
    expect(promote.stderr).toContain(`${user.email} is now an organizer`);
    const failed = await execFileAsync(process.execPath, ["--import", "tsx", "cli/users.ts", "demote", "ghost@example.test"], {
      cwd: root,
      env,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain("No account with the e-mail address ghost@example.test");
  });
});
