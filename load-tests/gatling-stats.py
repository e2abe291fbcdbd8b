#!/usr/bin/env python3
"""Prints one line per request of a Gatling report (the "Stats" table of its index.html: Gatling 3.15 writes no JSON of
it), as "<name> total=<n> ko=<n> p50_ms=<n> p99_ms=<n> max_ms=<n>", from the table's columns: Total, OK, KO, % KO,
Cnt/s, Min, 50th, 75th, 95th, 99th pct, Max, Mean, Std Dev.
  load-tests/gatling-stats.py <report dir> [request name...]"""
import html.parser
import pathlib
import sys


class StatsTable(html.parser.HTMLParser):
    """Collects each row's name (the span with class ellipsed-name) and its value cells, in order."""

    def __init__(self):
        super().__init__()
        self.rows = {}
        self.name = None
        self.in_name = False
        self.in_value = False

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "span" and "ellipsed-name" in classes:
            self.in_name = True
        elif tag == "td" and "value" in classes and self.name is not None:
            self.in_value = True

    def handle_data(self, data):
        if self.in_name:
            self.name = data.strip()
            self.rows[self.name] = []
        elif self.in_value:
            self.rows[self.name].append(data.strip())

    def handle_endtag(self, tag):
        if tag == "span":
            self.in_name = False
        elif tag == "td":
            self.in_value = False


report = pathlib.Path(sys.argv[1])
table = StatsTable()
table.feed((report / "index.html").read_text())
wanted = sys.argv[2:] or list(table.rows)
for name in wanted:
    cells = table.rows.get(name)
    if not cells or len(cells) < 13:
        sys.exit(f"no row named {name!r} in {report / 'index.html'} (rows: {', '.join(table.rows)})")
    total, _, ko, _, _, _, p50, _, _, p99, most = cells[:11]
    print(f"{name} total={total} ko={ko} p50_ms={p50} p99_ms={p99} max_ms={most}")
