#!/usr/bin/env python3
"""Check a report made from tests/report_fixture.py's hostile data.

  report_check.py html FILE.html   the page uses only the report's own
      elements and attributes (no script, no img, no on* handler, nothing
      that fetches: no src, href or url()), and the planted texts are all
      there as text
  report_check.py md FILE.md       no raw HTML tag and no unescaped
      Markdown special in the planted texts; every table row has as many
      cells as its header

Prints one line per problem; exit 1 when there is one."""
import html.parser, re, sys

PLANTED = ['<script>alert("p")</script>', '"><img src=x onerror=alert(1)>',
           '<script>alert(9)</script> "><img onerror=x>', ' <script>', '</script>',
           '"><img src=x onerror=alert(3)>', '<i>chat</i>', '<script>m</script>']
TAGS = {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "p",
        "table", "tr", "th", "td", "mark", "svg", "rect", "line", "text"}
ATTRS = {"lang", "charset", "http-equiv", "content", "name", "id", "width", "height",
         "viewbox", "role", "x", "y", "x1", "y1", "x2", "y2", "fill", "stroke", "class",
         "text-anchor", "transform"}


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad, self.text, self.style = [], [], ""
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        if tag not in TAGS:
            self.bad.append("element <%s>" % tag)
        for k, v in attrs:
            if k not in ATTRS or k.startswith("on"):
                self.bad.append("attribute %s on <%s>" % (k, tag))
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.style += data
        else:
            self.text.append(data)


def check_html(path):
    src = open(path, encoding="utf-8").read()
    p = Page()
    p.feed(src)
    bad = p.bad
    if "url(" in p.style or "@import" in p.style:
        bad.append("the style fetches something")
    text = "".join(p.text)
    for s in PLANTED:
        if s not in text:
            bad.append("planted text %r is not shown as text" % s)
    if re.search(r"<\s*(script|img|iframe|object|embed|link|a)\b", src, re.I):
        bad.append("a raw active tag in the source")
    return bad


def check_md(path):
    src = open(path, encoding="utf-8").read()
    bad = []
    # a '<' not escaped by a backslash would start HTML
    if re.search(r"(?<!\\)<", src):
        bad.append("an unescaped '<'")
    for s in PLANTED:
        esc = re.sub(r"([\\`*_\[\]<>|~&])", r"\\\1", s)
        if esc not in src:
            bad.append("planted text %r is not there escaped (%r)" % (s, esc))
    cols = None
    for line in src.split("\n"):
        if line.startswith("|"):
            cells = len(re.findall(r"(?<!\\)\|", line)) - 1
            if cols is None:
                cols = cells
            elif cells != cols:
                bad.append("table row with %d cells, header %d: %s" % (cells, cols, line[:80]))
        else:
            cols = None
    return bad


def main(kind, path):
    bad = (check_html if kind == "html" else check_md)(path)
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
