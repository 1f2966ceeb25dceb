import { PageSection } from "../page-section";
import type { Metadata } from "next";
import Link from "next/link";
import { listSessions } from "@/lib/account/list-sessions";
import { API_SCOPES } from "@/lib/auth/api-token-scopes";
import { getSessionToken } from "@/lib/auth/get-current-user";
import { listApiTokens } from "@/lib/auth/list-api-tokens";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { getDb } from "@/lib/db/client";
import { AccountTeamSection } from "../teams/account-team-section";
import { ActionForm } from "./action-form";
import {
  changeEmailAction,
  changeNameAction,
  changePasswordAction,
  createTokenAction,
  deleteAccountAction,
  revokeSessionAction,
  revokeTokenAction,
  setAnnouncementsAction,
  signOutEverywhereAction,
} from "./actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Your account" };

const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const fmt = (date: Date | null) => (date ? `${when.format(date)} UTC` : "never");

const input = "w-full rounded border border-stone-300 bg-white px-3 py-2 text-sm focus:outline-none focus:ring-2 focus:ring-stone-500";
const label = "block text-sm font-medium";

/** The signed-in user's account: name, address, password, sessions, API tokens, data export, deletion. */
export default async function AccountPage() {
  const user = await requirePageUser("/account");
  const db = getDb();
  const [account, sessions, tokens] = await Promise.all([
    db.user.findUniqueOrThrow({
      where: { id: user.id },
      select: { email: true, name: true, emailVerifiedAt: true, createdAt: true, passwordHash: true, announcementsOptOutAt: true },
    }),
    listSessions({ db, userId: user.id, currentToken: await getSessionToken() }),
    listApiTokens({ db, userId: user.id }),
  ]);
  const hasPassword = account.passwordHash !== null;

  return (
    <div className="max-w-3xl space-y-8">
      <header className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">Your account</h1>
        <p className="text-sm text-stone-600">
          Signed in as <strong>{account.name}</strong> ({account.email}
          {account.emailVerifiedAt ? ", confirmed" : ", not confirmed yet"}), member since {fmt(account.createdAt)}.
        </p>
      </header>

      <PageSection id="profile" title="Display name" look="card">
        <p className="text-sm text-stone-600">Shown on the leaderboard. Names are unique, ignoring case and spacing.</p>
        <ActionForm action={changeNameAction} submitLabel="Change name" testId="name-form">
          <label className={label} htmlFor="name">
            New display name
          </label>
          <input
            id="name"
            name="name"
            className={input}
            defaultValue={account.name}
            required
            minLength={2}
            maxLength={60}
            autoComplete="nickname"
          />
        </ActionForm>
      </PageSection>

      <PageSection id="email" title="E-mail address" look="card">
        <p className="text-sm text-stone-600">We send a link to the new address; the change happens when you follow it.</p>
        <ActionForm action={changeEmailAction} submitLabel="Send confirmation link" testId="email-form">
          <label className={label} htmlFor="new-email">
            New address
          </label>
          <input id="new-email" name="email" type="email" className={input} required autoComplete="email" />
        </ActionForm>
      </PageSection>

      {hasPassword && (
        <PageSection id="password" title="Password" look="card">
          <p className="text-sm text-stone-600">Changing it signs out every other browser.</p>
          <ActionForm action={changePasswordAction} submitLabel="Change password" testId="password-form">
            <label className={label} htmlFor="currentPassword">
              Current password
            </label>
            <input id="currentPassword" name="currentPassword" type="password" className={input} required autoComplete="current-password" />
            <label className={label} htmlFor="newPassword">
              New password
            </label>
            <input
              id="newPassword"
              name="newPassword"
              type="password"
              className={input}
              required
              minLength={10}
              autoComplete="new-password"
            />
          </ActionForm>
        </PageSection>
      )}

      <AccountTeamSection user={user} />

      <PageSection id="sessions" title="Where you are signed in" look="card">
        <ul className="divide-y divide-stone-200" data-testid="sessions">
          {sessions.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
              <div>
                <div className="font-medium">
                  {s.userAgent ? summariseAgent(s.userAgent) : "Unknown browser"}{" "}
                  {s.current && <span className="rounded bg-teal-100 px-1.5 text-xs text-teal-900">this browser</span>}
                </div>
                <div className="text-stone-600">
                  from {s.ip || "an unknown address"} · signed in {fmt(s.createdAt)} · last used {fmt(s.lastUsedAt)} (to the hour)
                </div>
              </div>
              {!s.current && (
                <ActionForm action={revokeSessionAction} submitLabel="Sign out" className="flex items-center gap-2">
                  <input type="hidden" name="sessionId" value={s.id} />
                </ActionForm>
              )}
            </li>
          ))}
        </ul>
        <ActionForm action={signOutEverywhereAction} submitLabel="Sign out everywhere else" testId="sign-out-everywhere" />
      </PageSection>

      <PageSection id="tokens" title="API tokens" look="card">
        <p className="text-sm text-stone-600">
          For scripts and the command-line clients (
          <Link className="underline" href="/cli">
            API &amp; CLI
          </Link>
          ): sent as <code className="font-mono text-xs">Authorization: Bearer tp_…</code>. A token can read (your submissions, the data,
          the leaderboard) and/or submit (uploads, final picks); it never works on this page or for signing in. We keep only a hash: the
          token is shown once.
        </p>
        {tokens.length > 0 && (
          <ul className="divide-y divide-stone-200" data-testid="tokens">
            {tokens.map((t) => (
              <li key={t.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                <div>
                  <div className="font-medium">
                    {t.name} <code className="font-mono text-xs text-stone-600">{t.prefix}…</code>{" "}
                    <span className="text-stone-600">({t.scopes.join(", ")})</span>
                    {t.expired && <span className="ml-1 rounded bg-red-100 px-1.5 text-xs text-red-900">expired</span>}
                  </div>
                  <div className="text-stone-600">
                    created {fmt(t.createdAt)} · {t.expiresAt ? `expires ${fmt(t.expiresAt)}` : "no expiry"} · last used {fmt(t.lastUsedAt)}
                    {t.lastUsedIp && ` from ${t.lastUsedIp}`}
                  </div>
                </div>
                <ActionForm action={revokeTokenAction} submitLabel="Revoke" className="flex items-center gap-2">
                  <input type="hidden" name="tokenId" value={t.id} />
                </ActionForm>
              </li>
            ))}
          </ul>
        )}
        <ActionForm action={createTokenAction} submitLabel="Create token" testId="token-form">
          <label className={label} htmlFor="token-name">
            Name
          </label>
          <input id="token-name" name="name" className={input} required maxLength={60} placeholder="e.g. training server" />
          <fieldset className="space-y-1">
            <legend className={label}>Scopes</legend>
            {API_SCOPES.map((scope) => (
              <label key={scope} className="mr-4 inline-flex min-h-6 items-center gap-2 text-sm">
                <input type="checkbox" name="scopes" value={scope} defaultChecked className="h-4 w-4" />
                {scope === "read" ? "read (submissions, data, leaderboard)" : "submit (uploads, final picks)"}
              </label>
            ))}
          </fieldset>
          <label className={label} htmlFor="token-expiry">
            Expires
          </label>
          <select id="token-expiry" name="expiresInDays" className={input} defaultValue="90">
            <option value="7">in 7 days</option>
            <option value="30">in 30 days</option>
            <option value="90">in 90 days</option>
            <option value="366">in a year</option>
            <option value="">never (until revoked)</option>
          </select>
        </ActionForm>
      </PageSection>

      <PageSection id="announcements" title="Announcements" look="card">
        <p className="text-sm text-stone-600" data-testid="announcements-preference">
          {account.announcementsOptOutAt
            ? `You unsubscribed from the organizers' announcement e-mails on ${fmt(account.announcementsOptOutAt)}. They still show on the site.`
            : "You receive the organizers' announcements by e-mail (new phases, deadlines, results). Account messages are sent either way."}
        </p>
        <ActionForm
          action={setAnnouncementsAction}
          submitLabel={account.announcementsOptOutAt ? "Subscribe again" : "Unsubscribe"}
          testId="announcements-form"
        >
          <input type="hidden" name="subscribed" value={account.announcementsOptOutAt ? "1" : "0"} />
        </ActionForm>
      </PageSection>

      <PageSection id="your-data" title="Your data" look="card">
        <p className="text-sm text-stone-600">
          Everything we keep about you as JSON: the account, terms acceptances, downloads, sessions, token names and your submissions with
          the scores you can see.
        </p>
        <a
          href="/api/account/export"
          className="inline-block rounded border border-stone-400 px-3 py-1.5 text-sm font-medium hover:bg-stone-50"
          data-testid="export-link"
          download
        >
          Download my data (JSON)
        </a>
      </PageSection>

      <PageSection
        id="delete"
        title="Delete the account"
        className="space-y-4 rounded border border-red-200 bg-white p-4"
        titleClassName="text-lg font-semibold text-red-800"
      >
        <div className="space-y-2 text-sm text-stone-700" data-testid="delete-statement">
          <p>What happens when you delete your account:</p>
          <ul className="list-disc space-y-1 pl-5">
            <li>
              Your e-mail address, display name and password are removed; you are signed out everywhere and your API tokens stop working.
              You cannot sign in to it again; the address is free for a new account.
            </li>
            <li>
              Your submissions and their scores stay, so the ranks of everyone else do not change: your leaderboard row stays in place under
              the name
              <strong> deleted-…</strong>, and your final picks still count for the private leaderboard.
            </li>
            <li>
              The record of your terms acceptances and downloads stays, tied to the anonymous account, because the dataset licence requires
              it.
            </li>
          </ul>
          <p>This cannot be undone.</p>
        </div>
        <ActionForm action={deleteAccountAction} submitLabel="Delete my account" danger testId="delete-form">
          <label className={label} htmlFor="confirmation">
            {hasPassword ? "Your current password" : "Type your display name to confirm"}
          </label>
          <input
            id="confirmation"
            name="confirmation"
            type={hasPassword ? "password" : "text"}
            className={input}
            required
            autoComplete={hasPassword ? "current-password" : "off"}
          />
        </ActionForm>
      </PageSection>
    </div>
  );
}

/** "Firefox on Linux" from a user agent string, or its start. */
function summariseAgent(agent: string): string {
  const browser = /Edg\//.test(agent)
    ? "Edge"
    : /Firefox\//.test(agent)
      ? "Firefox"
      : /Chrome\//.test(agent)
        ? "Chrome"
        : /Safari\//.test(agent)
          ? "Safari"
          : /^curl\//.test(agent)
            ? "curl"
            : null;
  const os = /Windows/.test(agent)
    ? "Windows"
    : /Android/.test(agent)
      ? "Android"
      : /iPhone|iPad/.test(agent)
        ? "iOS"
        : /Mac OS X/.test(agent)
          ? "macOS"
          : /Linux/.test(agent)
            ? "Linux"
            : null;
  if (browser) return os ? `${browser} on ${os}` : browser;
  return agent.slice(0, 60);
}
