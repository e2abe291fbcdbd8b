#!/usr/bin/env python3
"""Helpers of load-tests/operator-census.sh.

  operator-census.py drive <base url> <route> <requests>   requests one after another on one keep-alive connection
  operator-census.py table <run dir>...
        operators per request by who assembles them (the library, or Streamgate's class), one column per run of
        operator-census.sh (its sites.txt, divided by the requests it counted); with two runs, also the sites that
        assemble more in the second than in the first
"""
import collections
import http.client
import json
import os
import sys
import urllib.parse

ROUTES = {  # route: (method, path, JSON body or None)
    "status": ("GET", "/stream/bench-0", None),
    "send": ("POST", "/stream/bench-0/send", {"data": "x" * int(os.environ.get("CHUNK_SIZE", "100"))}),  # as send.lua
    "ping": ("GET", "/ping", None),
    "liveness": ("GET", "/actuator/health/liveness", None),
}

OWNERS = [  # first prefix that matches names the owner; Streamgate's own code is shown by class
    ("io.streamgate.", None),
    ("org.springframework.security.", "Spring Security"),
    ("org.springframework.web.reactive.function.", "WebFlux.fn (routing, responses)"),
    ("org.springframework.web.reactive.", "WebFlux (dispatch, handler mappings)"),
    ("org.springframework.web.server.", "Spring web server (filters, exchange)"),
    ("org.springframework.http.", "Spring HTTP (codecs, response writing)"),
    ("org.springframework.", "Spring, other"),
    ("reactor.netty.", "Reactor Netty"),
    ("reactor.kafka.", "reactor-kafka"),
    ("io.micrometer.", "Micrometer"),
]


def drive(base, route, count):
    method, path, body = ROUTES[route]
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port)
    payload = json.dumps(body) if body is not None else None
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if os.environ.get("API_KEY"):  # a keyed gateway (start_gateway gives it this key)
        headers["X-API-Key"] = os.environ["API_KEY"]
    for _ in range(count):
        connection.request(method, path, payload, headers)
        response = connection.getresponse()
        answer = response.read()
        if response.status >= 300:
            sys.exit(f"{method} {path} answered {response.status}: {answer[:300]!r}")


def load(run):
    """A run's operators per request, by site."""
    requests = int(open(os.path.join(run, "requests")).read())
    sites = {}
    for line in open(os.path.join(run, "sites.txt")):
        count, site = line.rstrip("\n").split("\t")
        sites[site] = int(count) / requests
    return sites


def owner(site):
    name = site.split(" ")[0].rsplit(".", 1)[0]  # "<class>.<method>:<line> <operator>" -> the class
    for prefix, label in OWNERS:
        if name.startswith(prefix):
            return label or name.split("$")[0].removeprefix("io.streamgate.")
    return name


def table(runs):
    columns = [load(run) for run in runs]
    by_owner = [collections.Counter() for _ in columns]
    for sites, owners in zip(columns, by_owner):
        for site, n in sites.items():
            owners[owner(site)] += n
    names = sorted((o for o in set().union(*by_owner) if max(c[o] for c in by_owner) >= 0.05),
                   key=lambda o: (-by_owner[-1][o], o))
    labels = [os.path.basename(os.path.abspath(run)) for run in runs]
    print("| assembled by | " + " | ".join(labels) + " |")
    print("|---|" + "---:|" * len(runs))
    for name in names:
        print(f"| {name} | " + " | ".join(f"{o[name]:.1f}" for o in by_owner) + " |")
    print("| **all** | " + " | ".join(f"**{sum(o.values()):.1f}**" for o in by_owner) + " |")
    if len(columns) == 2:
        first, second = columns
        print(f"\nsites assembling more per request in {labels[1]} than in {labels[0]}:")
        for site in sorted(second, key=lambda s: first.get(s, 0) - second[s]):
            more = second[site] - first.get(site, 0)
            if more >= 0.5:
                print(f"{more:6.2f}  {site}")


if __name__ == "__main__":
    if sys.argv[1] == "drive":
        drive(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        table(sys.argv[2:])
