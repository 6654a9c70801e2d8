"""Replays `entramap plan --requests` against a real SCIM 2.0 server and checks the result.

For each dialect: a fresh scim2-server on 127.0.0.1 is seeded with the existing accounts
(seed.json), its own listing of them is the `--accounts` input of `entramap plan`, the requests
are sent in order (a POST's returned id replaces `{{create_N.response.body.$.id}}` in later
requests), and the server's final state is checked against the plan: every account the plan
creates exists, every update and disable took effect, group members are the planned ones, and a
second plan against the new state has nothing left to do.

The default dialect removes a group member with `{"op": "Remove", "path": "members", "value":
[...]}`, which RFC 7644 section 3.5.2.2 does not allow (a remove selects by its path); a strict
server refuses it, which is why Microsoft added the `aadOptscim062020` flag (MicrosoftDocs/entra-docs
docs/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility.md).
The replay expects exactly those refusals in the default dialect, and none in the other, and the
second plan then still has exactly those removals to do.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ENTRAMAP = os.environ["ENTRAMAP_BIN"]
WORK = os.environ["SCIM_E2E_WORK"]
SERVER = os.environ["SCIM2_SERVER_BIN"]
MAPPING = os.path.join(HERE, "mapping.entramap.yaml")
USERS = os.path.join(HERE, "users.jsonl")
GROUPS = os.path.join(HERE, "groups.jsonl")
ASSIGNMENTS = os.path.join(HERE, "assignments.csv")
PLACEHOLDER = re.compile(r"\{\{(create_\d+)\.response\.body\.\$\.id\}\}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [SERVER, "--hostname", "127.0.0.1", "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                self.call("GET", "/ServiceProviderConfig")
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("scim2-server did not start")

    def call(self, method, path, body=None):
        url = self.base + urllib.parse.quote(path, safe="/?=&:@$")
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Content-Type", "application/scim+json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                text = response.read()
                return response.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as e:
            text = e.read()
            return e.code, (json.loads(text) if text else None)

    def listing(self):
        pages = []
        for endpoint in ("/Users", "/Groups"):
            status, page = self.call("GET", endpoint + "?count=1000")
            assert status == 200, (endpoint, status, page)
            pages.append(page)
        return pages

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def plan(accounts, dialect, requests=None):
    args = [ENTRAMAP, "plan", MAPPING, "--users", USERS, "--groups", GROUPS,
            "--assignments", ASSIGNMENTS, "--accounts", accounts, "--format", "json",
            "--cycle", "incremental", "--dialect", dialect]
    if requests:
        args += ["--requests", requests]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"entramap plan failed ({result.returncode}): {result.stderr}")
    return json.loads(result.stdout)


def by(resources, attribute):
    return {r[attribute]: r for r in resources if attribute in r}


def is_member_removal(request):
    operations = (request.get("body") or {}).get("Operations", [])
    return request["method"] == "PATCH" and any(
        op.get("op", "").lower() == "remove" and op.get("path") == "members" and "value" in op
        for op in operations)


def is_manager(request):
    """A PATCH of the enterprise manager: Entra sends the manager's id as plain text, which a
    server holding RFC 7643's complex `manager` (scim2-server does) refuses."""
    operations = (request.get("body") or {}).get("Operations", [])
    return request["method"] == "PATCH" and any(
        str(op.get("path", "")).endswith(":manager") for op in operations)


def check_dialect(dialect):
    server = Server()
    try:
        with open(os.path.join(HERE, "seed.json")) as f:
            seed = json.load(f)
        ids = {}
        for resource in seed["users"]:
            status, created = server.call("POST", "/Users", resource)
            assert status == 201, (status, created)
            ids[resource["userName"]] = created["id"]
        for group in seed["groups"]:
            body = dict(group)
            body["members"] = [{"value": ids[m]} for m in group["members"]]
            status, created = server.call("POST", "/Groups", body)
            assert status == 201, (status, created)
        accounts = os.path.join(WORK, f"accounts-{dialect}.json")
        with open(accounts, "w") as f:
            for page in server.listing():
                f.write(json.dumps(page) + "\n")
        requests = os.path.join(WORK, f"requests-{dialect}.jsonl")
        before = plan(accounts, dialect, requests)
        created = {}
        sent = 0
        refused = set()
        managers = set()
        with open(requests) as f:
            for line in f:
                request = json.loads(line)
                text = PLACEHOLDER.sub(lambda m: created[m.group(1)], json.dumps(request))
                request = json.loads(text)
                status, body = server.call(request["method"], request["path"], request["body"])
                if dialect == "default" and status == 400 and is_member_removal(request):
                    refused.add(request["path"])
                    continue
                if status == 400 and is_manager(request):
                    managers.add(request["path"])
                    continue
                assert 200 <= status < 300, (dialect, request, status, body)
                if request.get("name"):
                    created[request["name"]] = body["id"]
                sent += 1
        users, groups = (page.get("Resources", []) for page in server.listing())
        users = by(users, "userName")
        groups = by(groups, "displayName")
        name_of = {u["id"]: name for name, u in users.items()}
        for o in before["objects"]:
            if o["kind"] == "user" and o["action"] in ("create", "update", "unchanged"):
                assert o["key"] in users, (dialect, o)
                for change in o["changes"]:
                    if change.get("target") == "displayName":
                        assert users[o["key"]]["displayName"] == change["new"], (dialect, o)
            if o["kind"] == "user" and o["action"] == "disable":
                assert users[o["key"]]["active"] is False, (dialect, o, users[o["key"]])
            if o["kind"] == "group" and o["action"] in ("create", "update"):
                members = {name_of[m["value"]] for m in groups[o["key"]].get("members", [])}
                for change in o["changes"]:
                    if change.get("target") == "members":
                        assert set(change["added"]) <= members, (dialect, o, members)
                        if not refused:
                            assert not set(change["removed"]) & members, (dialect, o, members)
        after_accounts = os.path.join(WORK, f"accounts-after-{dialect}.json")
        with open(after_accounts, "w") as f:
            for page in server.listing():
                f.write(json.dumps(page) + "\n")
        after = plan(after_accounts, dialect)
        for kind in ("users", "groups"):
            left = {a: after["summary"][kind][a] for a in ("create", "update", "disable", "delete")}
            expected = {"create": 0, "update": len(refused if kind == "groups" else managers),
                        "disable": 0, "delete": 0}
            assert left == expected, (dialect, kind, left, after["objects"])
        removals = [o for o in before["objects"] if o["kind"] == "group" and any(
            c.get("removed") for c in o["changes"])]
        assert removals, "the fixture plans a member removal"
        if dialect == "default":
            assert len(refused) == len(removals), (refused, removals)
        else:
            assert not refused
        # The fixture's two managers: one created after its report, one matched before.
        assert len(managers) == 2, (dialect, managers)
        summary = before["summary"]["users"]
        print(f"{dialect}: {sent} requests replayed; users {summary['create']} created, "
              f"{summary['update']} updated, {summary['disable']} disabled; groups "
              f"{before['summary']['groups']['create']} created, "
              f"{before['summary']['groups']['update']} updated; member removals refused by the "
              f"strict server: {len(refused)}; manager PATCHes (plain text) refused: "
              f"{len(managers)}; a second plan has only those left to do")
    finally:
        server.stop()


def main():
    for dialect in ("default", "aadOptscim062020"):
        check_dialect(dialect)


if __name__ == "__main__":
    sys.exit(main())
