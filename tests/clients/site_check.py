"""Reads a site written by `annalist export --format html` back with Python's
html.parser and prints what the tests check, as JSON:

- problems: unbalanced or misnested tags, duplicate ids, pages without one
  <h1>, <main>, <title> or lang; scripts or styles that are inline, foreign
  or not in the site; event-handler attributes and javascript: links; links
  to files or anchors that do not exist;
- mentions: for every document page, each mention link in the text
  (<a class="m ..."> inside #text, or <span class="m nested" data-href> for
  a name inside an event's or work's name) with its start and end in code
  points of the text content, its text and its href;
- unlisted: for every document page, each name no gazetteer lists
  (<span class="m unlisted ...">) with its start, end, text, classes and
  title;
- labels: the rows of the search index's entity and document tables.

Usage: site_check.py SITE_DIR
"""

import json
import os
import re
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    def __init__(self, path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.problems = []
        self.stack = []
        self.ids = set()
        self.links = []
        self.counts = {"h1": 0, "main": 0, "title": 0}
        self.lang = None
        self.doctype = False
        self.title = ""
        self.in_title = False
        self.text_depth = None
        self.text = []
        self.text_len = 0
        self.mentions = []
        self.open_nested = None
        self.open_mention = None
        self.unlisted = []
        self.open_unlisted = None

    def problem(self, msg):
        self.problems.append(f"{self.path}: line {self.getpos()[0]}: {msg}")

    def handle_decl(self, decl):
        if decl.lower() == "doctype html":
            self.doctype = True

    def handle_starttag(self, tag, attrs):
        self.start(tag, attrs, closes=False)

    def handle_startendtag(self, tag, attrs):
        self.start(tag, attrs, closes=True)

    def start(self, tag, attrs, closes):
        a = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problem(f"event handler attribute {name} on <{tag}>")
            if name in ("href", "src") and value and value.strip().lower().startswith("javascript:"):
                self.problem(f"javascript: link on <{tag}>")
        if "id" in a:
            if a["id"] in self.ids:
                self.problem(f"duplicate id {a['id']!r}")
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang")
        in_svg = "svg" in self.stack
        if tag in self.counts and not in_svg:
            self.counts[tag] += 1
        if tag == "title" and not in_svg:
            self.in_title = True
        if tag == "script":
            src = a.get("src")
            if not src:
                self.problem("a script without src")
            else:
                self.links.append((tag, src))
        if tag == "style":
            self.problem("an inline <style>")
        if tag == "link":
            if a.get("rel") == "stylesheet":
                self.links.append((tag, a.get("href", "")))
        if tag == "a" and "href" in a:
            self.links.append((tag, a["href"]))
        if tag in ("img", "iframe", "object", "embed"):
            self.problem(f"an unexpected <{tag}>")
        if tag == "div" and a.get("id") == "text":
            self.text_depth = len(self.stack) + 1
        classes = a.get("class", "").split()
        if self.text_depth is not None and "m" in classes:
            if tag == "a":
                self.open_mention = (len(self.stack) + 1, self.text_len, a.get("href"), a.get("id"))
            elif tag == "span" and "unlisted" in classes:
                self.open_unlisted = (len(self.stack) + 1, self.text_len, a.get("class", ""), a.get("title", ""))
            elif tag == "span" and "nested" in classes:
                self.open_nested = (len(self.stack) + 1, self.text_len, a.get("data-href"), a.get("id"))
                self.links.append((tag, a.get("data-href", "")))
        if closes or tag in VOID:
            return
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problem(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        depth = len(self.stack)
        self.stack.pop()
        if tag == "title":
            self.in_title = False
        if self.open_mention and tag == "a" and depth == self.open_mention[0]:
            d, start, href, ident = self.open_mention
            self.mentions.append([start, self.text_len, "".join(self.text)[start:], href, ident])
            self.open_mention = None
        if self.open_nested and tag == "span" and depth == self.open_nested[0]:
            d, start, href, ident = self.open_nested
            self.mentions.append([start, self.text_len, "".join(self.text)[start:], href, ident])
            self.open_nested = None
        if self.open_unlisted and tag == "span" and depth == self.open_unlisted[0]:
            d, start, classes, title = self.open_unlisted
            self.unlisted.append([start, self.text_len, "".join(self.text)[start:], classes, title])
            self.open_unlisted = None
        if self.text_depth is not None and tag == "div" and depth == self.text_depth:
            self.text_depth = None

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        if self.text_depth is not None:
            self.text.append(data)
            self.text_len += len(data)

    def finish(self):
        self.close()
        if self.stack:
            self.problem(f"unclosed elements {self.stack}")
        if not self.doctype:
            self.problem("no <!DOCTYPE html>")
        if not self.lang:
            self.problem("no lang on <html>")
        for tag, n in self.counts.items():
            if n != 1:
                self.problem(f"{n} <{tag}> elements (one expected)")
        if not self.title.strip():
            self.problem("an empty <title>")


def table_rows(path):
    """The rows of a search table file: annalistSearch.table("e",N,[...]);"""
    text = open(path, encoding="utf-8").read()
    m = re.fullmatch(r'annalistSearch\.table\("([ed])",(\d+),(\[.*\])\);\n', text, re.S)
    if not m:
        raise SystemExit(f"{path}: not a search table")
    return json.loads(m.group(3))


def main():
    site = sys.argv[1]
    pages = {}
    for dirpath, _, files in os.walk(site):
        for f in files:
            if f.endswith(".html"):
                full = os.path.join(dirpath, f)
                rel = os.path.relpath(full, site).replace(os.sep, "/")
                p = Page(rel)
                p.feed(open(full, encoding="utf-8").read())
                p.finish()
                pages[rel] = p
    problems = []
    checked = 0
    for rel, p in sorted(pages.items()):
        problems.extend(p.problems)
        for tag, url in p.links:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https"):
                if tag != "a":
                    problems.append(f"{rel}: <{tag}> loads {url} from the network")
                continue
            if parts.scheme or parts.netloc:
                problems.append(f"{rel}: <{tag}> points outside the site: {url}")
                continue
            checked += 1
            base = os.path.dirname(rel)
            target = os.path.normpath(os.path.join(base, unquote(parts.path))) if parts.path else rel
            target = target.replace(os.sep, "/")
            if target.startswith(".."):
                problems.append(f"{rel}: {url} leaves the site")
                continue
            if not os.path.isfile(os.path.join(site, target)):
                problems.append(f"{rel}: {url}: no file {target}")
                continue
            if parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
                problems.append(f"{rel}: {url}: no id {parts.fragment!r} in {target}")
    labels = {"e": [], "d": []}
    search = os.path.join(site, "search")
    if os.path.isdir(search):
        for f in sorted(os.listdir(search)):
            m = re.fullmatch(r"([ed])-(\d+)\.js", f)
            if m:
                labels[m.group(1)].extend(table_rows(os.path.join(search, f)))
    out = {
        "pages": len(pages),
        "links": checked,
        "problems": problems,
        "titles": {rel: p.title for rel, p in pages.items()},
        "text_lengths": {rel: p.text_len for rel, p in pages.items() if rel.startswith("doc/")},
        "mentions": {rel: p.mentions for rel, p in pages.items() if rel.startswith("doc/")},
        "unlisted": {rel: p.unlisted for rel, p in pages.items() if rel.startswith("doc/") and p.unlisted},
        "search_entities": labels["e"],
        "search_documents": labels["d"],
    }
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
