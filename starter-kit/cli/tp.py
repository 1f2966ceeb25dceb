#!/usr/bin/env python3
"""Tiny Portraits command-line client. One file, Python 3.8+ standard library only.

    python3 tp.py login [--url URL] [--token TOKEN]
    python3 tp.py download [--dir DIR]
    python3 tp.py submit FILE [--model] [--manifest M.json] [--description TEXT] [--wait]
    python3 tp.py submissions
    python3 tp.py status ID
    python3 tp.py leaderboard [--limit N]
    python3 tp.py final [ID...] [--clear]

Create a token on the site's account page (/account). `login` keeps the site URL and the token
in ~/.config/tiny-portraits/credentials.json (readable by you only); TP_URL and TP_TOKEN
override it. Exit status: 0 done, 1 refused or failed, 2 wrong usage.
"""
import argparse
import base64
import getpass
import hashlib
import http.client
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

USER_AGENT = "tiny-portraits-cli/1 (python)"


class CliError(Exception):
    def __init__(self, message, exit_code=1):
        super().__init__(message)
        self.exit_code = exit_code


# ------------------------------------------------------------------ credentials

def config_dir():
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "tiny-portraits")


def credentials_path():
    return os.path.join(config_dir(), "credentials.json")


def read_credentials():
    stored = {}
    try:
        with open(credentials_path(), encoding="utf-8") as f:
            stored = json.load(f)
    except (OSError, ValueError):
        pass
    url = (os.environ.get("TP_URL") or stored.get("url") or "").rstrip("/")
    token = os.environ.get("TP_TOKEN") or stored.get("token") or ""
    if not url or not token:
        raise CliError("Not logged in: run `tp.py login` first (or set TP_URL and TP_TOKEN).", 2)
    return {"url": url, "token": token}


def write_credentials(credentials):
    os.makedirs(config_dir(), mode=0o700, exist_ok=True)
    path = credentials_path()
    temp = "%s.%d.tmp" % (path, os.getpid())
    # Created 0600 from the start: the token is never readable by others, not even for a moment.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(credentials, f, indent=2)
        f.write("\n")
    os.chmod(temp, 0o600)
    os.replace(temp, path)
    return path


# ------------------------------------------------------------------ HTTP

class Response:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw

    def json(self):
        try:
            return json.loads(self.raw.read().decode("utf-8"))
        except ValueError:
            return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # The token must never follow a redirect to another host.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def api(credentials, path, method="GET", headers=None, data=None):
    all_headers = {"Authorization": "Bearer " + credentials["token"], "User-Agent": USER_AGENT}
    all_headers.update(headers or {})
    request = urllib.request.Request(credentials["url"] + path, data=data, headers=all_headers, method=method)
    try:
        raw = _opener.open(request, timeout=120)
        return Response(raw.status, raw.headers, raw)
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error)
    except urllib.error.URLError as error:
        raise CliError("Cannot reach %s: %s" % (credentials["url"], error.reason))


def api_error(response, body=None):
    if body is None:
        body = response.json()
    error = (body or {}).get("error") or {}
    lines = [error.get("message") or "The server answered %d." % response.status]
    for detail in error.get("details") or []:
        if detail.get("line") is not None:
            lines.append("  line %s: %s" % (detail["line"], detail.get("message", "")))
        else:
            lines.append("  %s%s" % (detail["field"] + ": " if detail.get("field") else "", detail.get("message", "")))
    retry = response.headers.get("Retry-After") if response.headers else None
    if response.status == 429 and retry:
        lines.append("  (try again in %s s)" % retry)
    return CliError("\n".join(lines))


def api_json(credentials, path, **kwargs):
    response = api(credentials, path, **kwargs)
    body = response.json()
    if response.status >= 300:
        raise api_error(response, body)
    return body


# ------------------------------------------------------------------ commands

def login(args):
    url = (args.url or os.environ.get("TP_URL") or "").rstrip("/")
    token = args.token or os.environ.get("TP_TOKEN") or ""
    interactive = sys.stdin.isatty()
    if not url:
        if not interactive:
            raise CliError("Pass --url when not running in a terminal.", 2)
        url = input("Site URL (e.g. https://portraits.example.org): ").strip().rstrip("/")
    if not re.match(r"^https?://[^/]+", url):
        raise CliError("The site URL must start with http:// or https://.", 2)
    if not token:
        if not interactive:
            raise CliError("Pass --token when not running in a terminal.", 2)
        token = getpass.getpass("API token (from the account page, tp_...): ").strip()
    if not token.startswith("tp_"):
        raise CliError("That does not look like an API token (they start with tp_).", 2)
    # Check it before storing: a read-scope call, or a 403 for a submit-only token, proves it is valid.
    response = api({"url": url, "token": token}, "/api/submissions")
    if response.status not in (200, 403):
        raise api_error(response)
    path = write_credentials({"url": url, "token": token})
    print("Logged in to %s. Token stored in %s (readable by you only)." % (url, path))


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def format_bytes(n):
    units = ["B", "kB", "MB", "GB"]
    i = 0
    n = float(n)
    while n >= 1000 and i < len(units) - 1:
        n /= 1000
        i += 1
    return "%d B" % n if i == 0 else "%.1f %s" % (n, units[i])


def progress(name, done, total):
    percent = int(done * 100 / total) if total else 0
    line = "%s: %s of %s (%d%%)" % (name, format_bytes(done), format_bytes(total), percent)
    if sys.stderr.isatty():
        sys.stderr.write("\r" + line + "\x1b[K")
    else:
        sys.stderr.write(line + "\n")
    sys.stderr.flush()


def download_file(credentials, file, directory, expected_sha):
    """Downloads one file into DIR/NAME.part (resuming what is there), checks it, then renames it."""
    target = os.path.join(directory, file["name"])
    part = target + ".part"
    if os.path.isfile(target) and os.path.getsize(target) == file["sizeBytes"] and sha256_file(target) == expected_sha:
        print("%s: already here, checksum OK" % file["name"])
        return
    have = os.path.getsize(part) if os.path.isfile(part) else 0
    if have > file["sizeBytes"]:
        os.remove(part)
        have = 0
    if have < file["sizeBytes"] or have == 0:
        headers = {}
        if 0 < have < file["sizeBytes"]:
            headers["Range"] = "bytes=%d-" % have
            # If the file changed on the server since, the whole new file comes back (200).
            headers["If-Range"] = '"%s"' % file["sha256"]
        response = api(credentials, file["url"], headers=headers)
        if response.status not in (200, 206):
            raise api_error(response)
        resumed = response.status == 206
        if resumed:
            print("%s: resuming at %s" % (file["name"], format_bytes(have)))
        done = have if resumed else 0
        last = 0.0
        with open(part, "ab" if resumed else "wb") as out:
            while True:
                try:
                    chunk = response.raw.read(1 << 18)
                except (OSError, http.client.HTTPException) as error:
                    # The connection dropped: what arrived stays in NAME.part for the next run to resume from.
                    if sys.stderr.isatty():
                        sys.stderr.write("\n")
                    raise CliError("%s: the download stopped at %s of %s (%s); run download again to resume."
                                   % (file["name"], format_bytes(done), format_bytes(file["sizeBytes"]), error or type(error).__name__))
                if not chunk:
                    break
                out.write(chunk)
                done += len(chunk)
                if time.monotonic() - last > 1:
                    progress(file["name"], done, file["sizeBytes"])
                    last = time.monotonic()
        progress(file["name"], done, file["sizeBytes"])
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        if done < file["sizeBytes"]:
            raise CliError("%s: the server sent %s of %s; run download again to resume."
                           % (file["name"], format_bytes(done), format_bytes(file["sizeBytes"])))
    actual = sha256_file(part)
    if actual != expected_sha:
        os.remove(part)
        raise CliError("%s: SHA-256 mismatch (got %s, expected %s); the partial file was removed, run download again." % (file["name"], actual, expected_sha))
    os.replace(part, target)
    print("%s: %s, SHA-256 OK" % (file["name"], format_bytes(file["sizeBytes"])))


def download(args):
    credentials = read_credentials()
    directory = os.path.abspath(args.dir)
    os.makedirs(directory, exist_ok=True)
    listing = api_json(credentials, "/api/downloads")
    sums_file = next((f for f in listing["files"] if f["name"] == "SHA256SUMS"), None)
    # SHA256SUMS first: every other file is checked against it (and it against the listing).
    sums = {}
    if sums_file:
        download_file(credentials, sums_file, directory, sums_file["sha256"])
        with open(os.path.join(directory, "SHA256SUMS"), encoding="utf-8") as f:
            for line in f:
                match = re.match(r"^([0-9a-f]{64}) [ *]?(.+)$", line.strip())
                if match:
                    sums[match.group(2)] = match.group(1)
    for file in listing["files"]:
        if file is sums_file:
            continue
        expected = sums.get(file["name"]) or file["sha256"]
        if file["name"] in sums and sums[file["name"]] != file["sha256"]:
            raise CliError("%s: SHA256SUMS and the file list disagree; try again later." % file["name"])
        download_file(credentials, file, directory, expected)
    print("All %d files are in %s" % (len(listing["files"]), directory))


def print_scores(submission):
    print("%s  %s  %s" % (submission["id"], submission["fileName"], submission["status"]))
    if submission["status"] == "failed":
        print("  failed: %s" % (submission.get("errorMessage") or "no reason given"))
        return
    if submission.get("publicMain") is not None:
        print("  public score (mean macro-F1): %s" % submission["publicMain"])
    scores = submission.get("publicScores") or {}
    for name, a in (scores.get("attributes") or {}).items():
        print("  %s: macro-F1 %s, accuracy %s" % (name, a.get("macroF1", "-"), a.get("accuracy", "-")))
    fairness = scores.get("fairness")
    if isinstance(fairness, dict):
        for key, value in fairness.items():
            if isinstance(value, (int, float)):
                print("  fairness %s: %s" % (key, value))
    if submission.get("privateMain") is not None:
        print("  private score: %s" % submission["privateMain"])


def wait_for_score(credentials, submission_id):
    shown = ""
    try:
        while True:
            submission = api_json(credentials, "/api/submissions/" + urllib.parse.quote(submission_id, safe=""))["submission"]
            if submission["status"] in ("scored", "failed"):
                if shown:
                    sys.stderr.write("\n")
                return submission
            # One word per status (queued, running...), then a dot a second.
            sys.stderr.write("." if submission["status"] == shown else ("\n" if shown else "") + submission["status"])
            sys.stderr.flush()
            shown = submission["status"]
            time.sleep(1)
    except KeyboardInterrupt:
        # Ctrl-C stops waiting, not the scoring: say how to look again.
        raise CliError("\nStopped waiting; the submission is still being scored. Look again with: tp.py status %s" % submission_id, 130)


def require_file(path):
    """A file the user named: a clear "No such file" (exit 2) rather than a traceback."""
    if not os.path.isfile(path):
        raise CliError("No such file: %s" % path, 2)


def submit(args):
    credentials = read_credentials()
    path = args.file
    require_file(path)
    lower = path.lower()
    kind = "model" if args.model or lower.endswith(".zip") or lower.endswith(".onnx") else "csv"
    query = {"fileName": os.path.basename(path), "kind": kind}
    if args.description:
        query["description"] = args.description
    size = os.path.getsize(path)
    # Content-Length up front: the server refuses an over-limit file before the upload starts.
    headers = {"Content-Type": "application/octet-stream", "Content-Length": str(size)}
    if args.manifest:
        require_file(args.manifest)
        with open(args.manifest, "rb") as f:
            manifest = f.read()
        try:
            json.loads(manifest.decode("utf-8"))
        except ValueError as error:
            raise CliError("%s is not valid JSON: %s" % (args.manifest, error), 2)
        headers["X-Submission-Manifest"] = base64.b64encode(manifest).decode("ascii")
    with open(path, "rb") as body:
        response = api(credentials, "/api/submissions?" + urllib.parse.urlencode(query), method="POST", headers=headers, data=body)
        result = response.json()
    if response.status != 201:
        raise api_error(response, result)
    submission, quota = result["submission"], result.get("quota") or {}
    print("Submitted %s as %s" % (submission["fileName"], submission["id"]))
    if isinstance(quota.get("remaining"), int):
        print("  %d submission%s left today" % (quota["remaining"], "" if quota["remaining"] == 1 else "s"))
    if args.wait:
        done = wait_for_score(credentials, submission["id"])
        print_scores(done)
        if done["status"] == "failed":
            raise CliError("The submission was not scored.")
    else:
        print("  follow it with: tp.py status %s" % submission["id"])


def submissions(_args):
    credentials = read_credentials()
    body = api_json(credentials, "/api/submissions")
    quota = body.get("quota") or {}
    if isinstance(quota.get("remaining"), int):
        print("%d of %s submissions left today" % (quota["remaining"], quota.get("limit")))
    if not body["submissions"]:
        print("No submissions yet.")
    for s in body["submissions"]:
        score = str(s["publicMain"]) if s.get("publicMain") is not None else s["status"]
        print("%s  %s  %-5s  %-8s  %s%s" % (s["id"], s["createdAt"][:16].replace("T", " "), s["kind"], score, "final  " if s.get("isFinal") else "       ", s["fileName"]))


def status(args):
    credentials = read_credentials()
    print_scores(api_json(credentials, "/api/submissions/" + urllib.parse.quote(args.id, safe=""))["submission"])


def leaderboard(args):
    credentials = read_credentials()
    board = api_json(credentials, "/api/leaderboard")
    print("%-5s %-32s score" % ("rank", "name"))
    for row in (board.get("rows") or [])[: args.limit]:
        rank = "-" if row.get("rank") is None else str(row["rank"])
        name = row["name"] + (" (baseline)" if row.get("kind") == "baseline" else "")
        if row.get("members"):
            name += " (%s)" % ", ".join(row["members"])
        main = (row.get("metrics") or {}).get("main")
        print("%-5s %-32s %s" % (rank, name[:32], "-" if main is None else "%.4f" % main))


def final(args):
    credentials = read_credentials()
    if not args.ids and not args.clear:
        # No ID: show the choice rather than silently clearing it.
        chosen = [s["id"] for s in api_json(credentials, "/api/submissions")["submissions"] if s.get("isFinal")]
        if chosen:
            print("Final submissions: %s" % ", ".join(chosen))
        else:
            print("No final submissions chosen: your best public entries count. Choose with: tp.py final ID [ID...]")
        return
    if args.ids and args.clear:
        raise CliError("Give submission ids or --clear, not both.", 2)
    result = api_json(
        credentials,
        "/api/submissions/final",
        method="PUT",
        headers={"Content-Type": "application/json"},
        data=json.dumps({"submissionIds": args.ids}).encode("utf-8"),
    )
    if result["selected"]:
        print("Final submissions: %s (at most %s)" % (", ".join(result["selected"]), result["maxFinal"]))
    else:
        print("No final submissions selected.")


def main(argv):
    parser = argparse.ArgumentParser(prog="tp.py", description="Tiny Portraits command-line client. TP_URL and TP_TOKEN override the stored credentials.")
    commands = parser.add_subparsers(dest="command")
    p = commands.add_parser("login", help="store the site and your API token")
    p.add_argument("--url")
    p.add_argument("--token")
    p.set_defaults(run=login)
    p = commands.add_parser("download", help="download every dataset file (resumable, SHA-256 checked)")
    p.add_argument("--dir", default="tiny-portraits-data")
    p.set_defaults(run=download)
    p = commands.add_parser("submit", help="upload predictions (.csv) or a model (.zip / .onnx)")
    p.add_argument("file")
    p.add_argument("--model", action="store_true")
    p.add_argument("--manifest")
    p.add_argument("--description")
    p.add_argument("--wait", action="store_true")
    p.set_defaults(run=submit)
    p = commands.add_parser("submissions", help="list your submissions and today's quota")
    p.set_defaults(run=submissions)
    p = commands.add_parser("status", help="one submission with its scores")
    p.add_argument("id")
    p.set_defaults(run=status)
    p = commands.add_parser("leaderboard", help="the public leaderboard")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(run=leaderboard)
    p = commands.add_parser("final", help="choose your final submissions (no ID: show the current choice)")
    p.add_argument("ids", nargs="*")
    p.add_argument("--clear", action="store_true", help="choose none")
    p.set_defaults(run=final)
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 0
    try:
        args.run(args)
    except CliError as error:
        print(str(error), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except OSError as error:
        # A local problem (a folder that cannot be written, a full disk, a timeout): its message, not a traceback.
        if os.environ.get("TP_DEBUG"):
            raise
        print("Error: %s" % error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
