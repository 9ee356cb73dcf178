#!/usr/bin/python3
"""A small stand-in for GitLab's REST API v4, for the apply tests.

It serves the GET and DELETE endpoints that a credaudit revocation plan
uses, and GET /api/v4/user, on 127.0.0.1 and a port that the system
picks (written to --port-file), with state read from a credaudit
snapshot (SQLite) or from a state file that an earlier run of the mock
saved. Every request must carry the PRIVATE-TOKEN header with the
administrator's token given by --token. The token given by --user-token
belongs to a user who is not an administrator: GET /api/v4/user works
with it, and every other request returns 403.

Tests steer it through /_mock/ endpoints, which need no token:

  GET  /_mock/state     tokens, keys, GPG keys and the request log
  POST /_mock/fail      add a failure rule (JSON object, see Rule below)
  POST /_mock/change    change a credential behind credaudit's back:
                        {"path": API path, "revoke": true | "delete": true
                         | "user_id": N}
  POST /_mock/stop      stop the server

It stops by itself after --idle seconds without a request, and after
--max-life seconds in any case. Python 3 standard library only.
"""

import argparse
import datetime
import json
import os
import re
import sqlite3
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API = "/api/v4"
PROJECT_BOT = 6


class Rule:
    """A failure to inject into matching requests.

    Fields of the JSON object: method ("GET", "DELETE" or "*"), path (a
    regular expression matched against the whole path), after (matching
    requests to let through first, default 0), times (matching requests
    to fail, default 1, -1 for all), status (the response status, e.g. 500,
    429, 401), retry_after (seconds for a Retry-After header), delay (seconds
    to sleep before answering, for timeouts), die_after_apply (carry out
    the request, save the state, then exit without answering), echo_token
    (with status: repeat the request's PRIVATE-TOKEN header in the error
    message, as some proxies do. "raw" sends it as it came, "percent"
    percent-encodes every second character, and "json" writes every
    second character as a \\u escape of the JSON text), body (with
    status: the JSON value to send in place of the error message, such
    as a token whose "user_id" is a string).
    """

    def __init__(self, spec):
        self.method = spec.get("method", "*")
        self.path = re.compile(spec.get("path", ".*"))
        self.after = int(spec.get("after", 0))
        self.times = int(spec.get("times", 1))
        self.status = spec.get("status")
        self.retry_after = spec.get("retry_after")
        self.delay = float(spec.get("delay", 0))
        self.die_after_apply = bool(spec.get("die_after_apply", False))
        self.echo_token = spec.get("echo_token")
        self.spec = spec

    def matches(self, method, path):
        if self.method not in ("*", method):
            return False
        if not self.path.fullmatch(path):
            return False
        if self.after > 0:
            self.after -= 1
            return False
        if self.times == 0:
            return False
        if self.times > 0:
            self.times -= 1
        return True

    def to_json(self):
        spec = dict(self.spec)
        spec["after"] = self.after
        spec["times"] = self.times
        return spec


class State:
    """Credentials by id, the bot memberships and the request log."""

    def __init__(self, today):
        self.lock = threading.Lock()
        self.today = today
        self.users = {}
        self.tokens = {}
        self.keys = {}
        self.gpg_keys = {}
        self.memberships = {}      # bot user id -> ["Project"|"Namespace", id]
        self.deploy_key_projects = {}
        self.requests = []
        self.rules = []
        self.path = None

    def load_snapshot(self, db_path):
        db = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
        db.row_factory = sqlite3.Row
        for row in db.execute("SELECT id, username, user_type FROM users"):
            self.users[row["id"]] = {"id": row["id"],
                                     "username": row["username"],
                                     "user_type": row["user_type"]}
        for row in db.execute(
                "SELECT user_id, source_type, source_id FROM members "
                "WHERE source_type IN ('Project', 'Namespace') ORDER BY id"):
            user = self.users.get(row["user_id"])
            if user and user["user_type"] == PROJECT_BOT:
                self.memberships.setdefault(
                    row["user_id"], [row["source_type"], row["source_id"]])
        for row in db.execute(
                "SELECT id, user_id, name, revoked, expires_at "
                "FROM personal_access_tokens"):
            self.tokens[row["id"]] = {
                "id": row["id"], "user_id": row["user_id"],
                "name": row["name"], "revoked": bool(row["revoked"]),
                "expires_at": (row["expires_at"] or None) and
                str(row["expires_at"])[:10]}
        for row in db.execute("SELECT id, user_id, title, type FROM keys"):
            self.keys[row["id"]] = {"id": row["id"], "user_id": row["user_id"],
                                    "title": row["title"],
                                    "type": row["type"] or "Key"}
        for row in db.execute("SELECT id, user_id FROM gpg_keys"):
            self.gpg_keys[row["id"]] = {"id": row["id"],
                                        "user_id": row["user_id"]}
        db.close()

    def to_json(self):
        return {"today": self.today,
                "users": list(self.users.values()),
                "tokens": list(self.tokens.values()),
                "keys": list(self.keys.values()),
                "gpg_keys": list(self.gpg_keys.values()),
                "memberships": {str(k): v for k, v in self.memberships.items()},
                "deploy_key_projects": {str(k): v for k, v in
                                        self.deploy_key_projects.items()},
                "requests": self.requests,
                "rules": [rule.to_json() for rule in self.rules]}

    def load_json(self, data):
        self.today = data["today"]
        self.users = {u["id"]: u for u in data["users"]}
        self.tokens = {t["id"]: t for t in data["tokens"]}
        self.keys = {k["id"]: k for k in data["keys"]}
        self.gpg_keys = {k["id"]: k for k in data["gpg_keys"]}
        self.memberships = {int(k): v for k, v in data["memberships"].items()}
        self.deploy_key_projects = {int(k): v for k, v in
                                    data["deploy_key_projects"].items()}
        self.requests = data["requests"]
        self.rules = [Rule(spec) for spec in data["rules"]]

    def save(self):
        """Write the state file, if any, so that a restarted mock goes on."""
        if not self.path:
            return
        temp = "%s.tmp" % self.path
        with open(temp, "w") as out:
            json.dump(self.to_json(), out)
        os.replace(temp, self.path)

    def token_active(self, token):
        if token["revoked"]:
            return False
        return token["expires_at"] is None or token["expires_at"] > self.today

    def token_json(self, token):
        return {"id": token["id"], "name": token["name"],
                "user_id": token["user_id"], "revoked": token["revoked"],
                "active": self.token_active(token),
                "expires_at": token["expires_at"], "scopes": ["api"]}

    def user_json(self, user_id):
        user = self.users.get(user_id, {"id": user_id, "username": None})
        return {"id": user_id, "username": user.get("username")}

    def resolve(self, path):
        """Return (kind, record) for an API path, or (None, None)."""
        m = re.fullmatch(API + r"/personal_access_tokens/(\d+)", path)
        if m:
            token = self.tokens.get(int(m.group(1)))
            return ("token", token) if token else (None, None)
        m = re.fullmatch(API + r"/(projects|groups)/(\d+)/access_tokens/(\d+)",
                         path)
        if m:
            token = self.tokens.get(int(m.group(3)))
            source = "Project" if m.group(1) == "projects" else "Namespace"
            if token and self.memberships.get(token["user_id"]) == \
                    [source, int(m.group(2))]:
                return "token", token
            return None, None
        m = re.fullmatch(API + r"/users/(\d+)/keys/(\d+)", path)
        if m:
            key = self.keys.get(int(m.group(2)))
            if key and key["type"] != "DeployKey" and \
                    key["user_id"] == int(m.group(1)):
                return "key", key
            return None, None
        m = re.fullmatch(API + r"/keys/(\d+)", path)
        if m:
            key = self.keys.get(int(m.group(1)))
            return ("key_by_id", key) if key else (None, None)
        m = re.fullmatch(API + r"/projects/(\d+)/deploy_keys/(\d+)", path)
        if m:
            key = self.keys.get(int(m.group(2)))
            projects = self.deploy_key_projects.get(int(m.group(2)), [])
            if key and key["type"] == "DeployKey" and \
                    int(m.group(1)) in projects:
                return "deploy_key", key
            return None, None
        m = re.fullmatch(API + r"/users/(\d+)/gpg_keys/(\d+)", path)
        if m:
            key = self.gpg_keys.get(int(m.group(2)))
            if key and key["user_id"] == int(m.group(1)):
                return "gpg_key", key
        return None, None

    def get(self, path):
        kind, record = self.resolve(path)
        if not record:
            return 404, {"message": "404 Not found"}
        if kind == "token":
            return 200, self.token_json(record)
        if kind == "key_by_id":
            return 200, {"id": record["id"], "title": record["title"],
                         "user": self.user_json(record["user_id"])}
        if kind == "gpg_key":
            return 200, {"id": record["id"], "key": "-----BEGIN PGP..."}
        return 200, {"id": record["id"], "title": record["title"]}

    def delete(self, path):
        kind, record = self.resolve(path)
        if not record or kind == "key_by_id":
            return 404, {"message": "404 Not found"}
        if kind == "token":
            if not self.token_active(record):
                return 400, {"message": "400 Bad request - token is not active"}
            record["revoked"] = True
            if self.memberships.get(record["user_id"]):
                self.users.setdefault(record["user_id"], {})[
                    "scheduled_for_deletion"] = True
            return 204, None
        if kind == "key":
            if record["type"] == "LDAPKey":
                return 403, {"message": "403 Forbidden - LDAP key"}
            del self.keys[record["id"]]
            return 204, None
        if kind == "deploy_key":
            del self.keys[record["id"]]
            return 204, None
        del self.gpg_keys[record["id"]]
        return 204, None

    def change(self, spec):
        kind, record = self.resolve(spec["path"])
        if not record:
            return 404, {"message": "no credential at that path"}
        if spec.get("revoke"):
            record["revoked"] = True
        if spec.get("delete"):
            table = self.tokens if kind == "token" else \
                self.gpg_keys if kind == "gpg_key" else self.keys
            del table[record["id"]]
        if "user_id" in spec:
            record["user_id"] = int(spec["user_id"])
        return 200, {"changed": spec["path"]}


def error_body(rule, sent_token):
    """The JSON text of an injected response: the rule's body, or an error
    message that echoes the token if asked."""
    if "body" in rule.spec:
        return json.dumps(rule.spec["body"]).encode()
    message = "%d injected" % rule.status
    if not rule.echo_token:
        return json.dumps({"message": message}).encode()
    if rule.echo_token == "raw":
        return json.dumps({"message": "%s for %s" % (message, sent_token)}) \
            .encode()
    if rule.echo_token == "percent":
        spelled = "".join("%%%02x" % ord(c) if i % 2 else c
                          for i, c in enumerate(sent_token))
        return json.dumps({"message": "%s for %s" % (message, spelled)}) \
            .encode()
    if rule.echo_token == "json":
        # json.dumps() escapes no printable ASCII, so write the escapes
        # into the JSON text by hand; a JSON parser decodes them.
        spelled = "".join("\\u%04x" % ord(c) if i % 2 else
                          json.dumps(c)[1:-1]
                          for i, c in enumerate(sent_token))
        return ('{"message": "%s for %s"}' % (message, spelled)).encode()
    raise ValueError("echo_token must be raw, percent or json")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mock-gitlab/1"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("mock-gitlab: %s\n" % (fmt % args))

    def answer(self, status, body, headers=None, data=None):
        """Send `body` as JSON, or `data` (bytes of JSON text) when given."""
        if data is None:
            data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if data:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def do_GET(self):
        self.handle_api("GET")

    def do_DELETE(self):
        self.handle_api("DELETE")

    def do_POST(self):
        self.server.touch()
        state = self.server.state
        if self.path == "/_mock/fail":
            with state.lock:
                state.rules.append(Rule(self.read_body()))
                state.save()
            self.answer(200, {"rules": len(state.rules)})
        elif self.path == "/_mock/change":
            with state.lock:
                status, body = state.change(self.read_body())
                state.save()
            self.answer(status, body)
        elif self.path == "/_mock/stop":
            self.answer(200, {"stopping": True})
            threading.Thread(target=self.server.shutdown).start()
        else:
            self.answer(404, {"message": "404 Not found"})

    def handle_api(self, method):
        self.server.touch()
        state = self.server.state
        path = self.path.split("?", 1)[0]
        if method == "GET" and path == "/_mock/state":
            with state.lock:
                self.answer(200, state.to_json())
            return
        sent_token = self.headers.get("PRIVATE-TOKEN")
        authorized = sent_token == self.server.token
        as_user = self.server.user_token is not None and \
            sent_token == self.server.user_token
        with state.lock:
            rule = next((r for r in state.rules if r.matches(method, path)),
                        None)
            entry = {"method": method, "path": path,
                     "authorized": authorized}
            state.requests.append(entry)
            state.save()
        if rule and rule.delay:
            time.sleep(rule.delay)
        if rule and rule.status and not rule.die_after_apply:
            headers = {}
            if rule.retry_after is not None:
                headers["Retry-After"] = str(rule.retry_after)
            with state.lock:
                entry["status"] = rule.status
                state.save()
            self.answer(rule.status, None, headers,
                        error_body(rule, sent_token or ""))
            return
        if method == "GET" and path == API + "/user" and \
                (authorized or as_user):
            entry["status"] = 200
            # GitLab adds "is_admin" to the user only for administrators.
            self.answer(200, {"id": 1, "username": "root", "is_admin": True}
                        if authorized else {"id": 2, "username": "bob"})
            return
        if as_user:
            entry["status"] = 403
            self.answer(403, {"message": "403 Forbidden"})
            return
        if not authorized:
            entry["status"] = 401
            self.answer(401, {"message": "401 Unauthorized"})
            return
        with state.lock:
            if method == "GET":
                status, body = state.get(path)
            else:
                status, body = state.delete(path)
            entry["status"] = status
            state.save()
        if rule and rule.die_after_apply:
            sys.stderr.write("mock-gitlab: exiting before answering %s %s\n"
                             % (method, path))
            sys.stderr.flush()
            os._exit(3)
        self.answer(status, body)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state, token, user_token, verbose, port):
        super().__init__(("127.0.0.1", port), Handler)
        self.state = state
        self.token = token
        self.user_token = user_token
        self.verbose = verbose
        self.last_request = time.monotonic()

    def touch(self):
        self.last_request = time.monotonic()


def watchdog(server, idle, max_life):
    started = time.monotonic()
    while True:
        time.sleep(0.2)
        now = time.monotonic()
        if now - server.last_request > idle or now - started > max_life:
            sys.stderr.write("mock-gitlab: stopping after %.0f s idle\n"
                             % (now - server.last_request))
            server.shutdown()
            return


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True,
                        help="file to write the port number to")
    parser.add_argument("--port", type=int, default=0,
                        help="port to listen on (default: one the system "
                        "picks); a restarted mock can take its old one")
    parser.add_argument("--token", required=True,
                        help="the PRIVATE-TOKEN value that requests need")
    parser.add_argument("--user-token", default=None,
                        help="a PRIVATE-TOKEN value of a user who is not "
                        "an administrator")
    parser.add_argument("--snapshot", help="credaudit snapshot to load")
    parser.add_argument("--state", help="state file, loaded when it exists "
                        "and saved after every request")
    parser.add_argument("--today", default=None,
                        help="the date that decides token expiry, "
                        "YYYY-MM-DD (default: today in UTC)")
    parser.add_argument("--idle", type=float, default=60,
                        help="seconds without a request before it stops")
    parser.add_argument("--max-life", type=float, default=900,
                        help="seconds after which it stops in any case")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    today = args.today or \
        datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    state = State(today)
    state.path = args.state
    if args.state and os.path.exists(args.state):
        with open(args.state) as source:
            state.load_json(json.load(source))
    elif args.snapshot:
        state.load_snapshot(args.snapshot)
    else:
        parser.error("pass --snapshot, or --state with an existing file")
    state.save()

    server = Server(state, args.token, args.user_token, args.verbose,
                    args.port)
    temp = "%s.tmp" % args.port_file
    with open(temp, "w") as out:
        out.write("%d\n" % server.server_address[1])
    os.replace(temp, args.port_file)
    threading.Thread(target=watchdog, args=(server, args.idle, args.max_life),
                     daemon=True).start()
    server.serve_forever(poll_interval=0.1)
    server.server_close()


if __name__ == "__main__":
    main()
