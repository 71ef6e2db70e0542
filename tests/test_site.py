"""`export site`: the static evidence viewer, checked on its files and in a real browser (Debian's Chromium, driven by
Selenium through Debian's chromedriver, headless, kept off the network).

One export and one browser session serve the whole module. Under CI a missing Chromium, chromedriver or Selenium
fails the browser tests instead of skipping them. VS_UPDATE_SCREENSHOT=1 rewrites docs/site-article.png and
docs/site-claim.png (CI leaves them alone, so the tree stays clean)."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from vostochny_summit.articles import read_text
from vostochny_summit.exports import export, formats
from vostochny_summit.exports.site import GENERATOR, palette
from vostochny_summit.exports.site.marks import Mark, render
from vostochny_summit.model import RESOURCES, RETIRED_IDS_FILE, entity_tables, span_tables

from .conftest import ROOT

CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
                  "--disable-extensions", "--disable-domain-reliability", "--no-default-browser-check",
                  "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars"]


STANCE_KIND = "evidence-stance"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")  # Debian's first


def rows(res) -> list[dict]:
    with open(ROOT / "data" / f"{res.name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def the(predicate):
    """The one resource of the model that plays a role."""
    found = [r for r in RESOURCES.values() if predicate(r)]
    assert len(found) == 1, found
    return found[0]


SOURCES = the(lambda r: any(f.kind == "text-path" for f in r.fields))
CLAIMS_EVIDENCE = the(lambda r: any(f.kind == STANCE_KIND for f in r.fields))
CLAIMS = RESOURCES[CLAIMS_EVIDENCE.evidence_of]
STANCE = next(f for f in CLAIMS_EVIDENCE.fields if f.kind == STANCE_KIND)
STATUS = next(f for f in CLAIMS.fields if f.vocabulary and f.derived)
CONTESTED = STATUS.vocabulary.terms[0].value  # the first status: some evidence supports and some refutes
SUPPORTS, REFUTES = STANCE.vocabulary.terms[0].value, STANCE.vocabulary.terms[1].value


def texts() -> dict[str, str]:
    path = next(f.name for f in SOURCES.fields if f.kind == "text-path")
    return {s[SOURCES.primary_key[0]]: read_text(ROOT / s[path]) for s in rows(SOURCES)}


def row_id(res, row) -> str:
    return "/".join(row[k] for k in res.primary_key)


def contested_claim() -> dict:
    """The contested claim with the most evidence (supporting, refuting and qualifying)."""
    key = CLAIMS.primary_key[0]
    count: dict[str, int] = {}
    for e in rows(CLAIMS_EVIDENCE):
        count[e[key]] = count.get(e[key], 0) + 1
    return max((c for c in rows(CLAIMS) if c[STATUS.name] == CONTESTED), key=lambda c: (count[c[key]], c[key]))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The real package's site, exported once (through the registry, which checks the seal first)."""
    out = tmp_path_factory.mktemp("site") / "site"
    written = export("site", out, ROOT)
    assert sorted(written) == sorted(p for p in out.rglob("*") if p.is_file())
    return out


# ---- the files --------------------------------------------------------------------------------------------------
def test_registered_as_a_folder_format_and_release_artefact():
    fmt = formats()["site"]
    assert fmt.output == "folder" and fmt.artefact_name("9.9.9") == "vostochny-summit-9.9.9-site.zip"
    assert fmt.extra is None  # the plain install exports the site: jinja2 is a runtime dependency


def test_one_page_per_id_at_a_stable_address(site):
    """articles/<source id>.html, <table>/<id>.html for every entity, claim and event, and a page at each retired
    id's old address that links its replacement; every page names the generator."""
    def ids(res):
        return {r[res.primary_key[0]] for r in rows(res)}

    want = {f"articles/{i}.html" for i in ids(SOURCES)}
    evidenced = {r.evidence_of for r in RESOURCES.values() if r.evidence_of}
    for res in RESOURCES.values():
        if res.entity or res.name in evidenced:
            want |= {f"{res.name}/{i}.html" for i in ids(res)}
    with open(ROOT / RETIRED_IDS_FILE, encoding="utf-8", newline="") as fh:
        retired = list(csv.DictReader(fh))
    want |= {f"{r['table']}/{r['id']}.html" for r in retired}
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert pages == want | {"index.html"}
    for r in retired:
        page = (site / r["table"] / f"{r['id']}.html").read_text(encoding="utf-8")
        if r["replaced_by"]:
            assert f'href="../{r["table"]}/{r["replaced_by"]}.html"' in page, r
        else:
            assert "No replacement" in page, r
    index = (site / "index.html").read_text(encoding="utf-8")
    assert all(f'<code>{r["id"]}</code>' in index for r in retired)
    assert all(f'<meta name="generator" content="{GENERATOR}">' in (site / p).read_text(encoding="utf-8")
               for p in pages)


class Links(HTMLParser):
    """A page's links, its ids (and any id given twice) and the ids its ARIA attributes and labels point at."""

    def __init__(self):
        super().__init__()
        self.links, self.ids, self.twice, self.refs = [], set(), [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            (self.twice.append if a["id"] in self.ids else self.ids.add)(a["id"])
        for key in ("href", "src"):
            if key in a:
                self.links.append((tag, key, a[key]))
        self.refs += [a[k] for k in ("aria-labelledby", "aria-describedby", "for") if k in a]


def test_every_link_resolves_and_nothing_is_loaded_from_outside(site):
    """Every relative link names a file of the site (and its anchor an element of that page); only <a> points
    outside (Wikidata, GeoNames, the licences): no script, stylesheet or image comes from anywhere else. No id is
    given twice, and every id a label or an ARIA attribute names exists."""
    parsed = {}
    for page in site.rglob("*.html"):
        p = Links()
        p.feed(page.read_text(encoding="utf-8"))
        parsed[page] = p
    for page, p in parsed.items():
        assert not p.twice and set(p.refs) <= p.ids, (page, p.twice, set(p.refs) - p.ids)
        for tag, _key, link in p.links:
            if re.match(r"[a-z]+:", link):
                assert tag == "a" and link.startswith("https://"), (page, link)
                continue
            path, _, anchor = link.partition("#")
            target = (page.parent / path).resolve() if path else page
            assert target.is_file(), (page, link)
            if anchor and target.suffix == ".html":
                assert anchor in parsed[target].ids, (page, link)


def test_the_same_package_gives_the_same_bytes_in_under_two_seconds(site, tmp_path):
    again = tmp_path / "again"
    started = time.perf_counter()
    export("site", again, ROOT)
    took = time.perf_counter() - started
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    assert took < 2.0, f"the site took {took:.2f} s to build"


def test_a_folder_that_is_not_a_site_is_never_replaced(site, tmp_path):
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError, match="not a site"):
        export("site", tmp_path, ROOT)
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "keep me"


def test_palette_meets_wcag_aa_and_colours_every_stance(site):
    low = [(what, round(palette.contrast(fg, bg), 2), minimum) for what, fg, bg, minimum in palette.pairs()
           if palette.contrast(fg, bg) < minimum]
    assert not low, low
    assert palette.contrast("#777777", "#ffffff") < 4.5 < palette.contrast("#767676", "#ffffff")  # the formula
    assert list(palette.STANCE) == STANCE.vocabulary.values
    css = (site / "assets" / "site.css").read_text(encoding="utf-8")
    for value in STANCE.vocabulary.values:
        assert f"mark.evidence.stance-{value} {{" in css, value


def test_the_model_declares_what_the_site_asks():
    """Each declaration the site reads names a column of its table: a row's label, who asserts it, its stance."""
    for res in RESOURCES.values():
        assert res.label is None or res.field(res.label).type == "string", res.name
        assert all(res.field(c) for c in res.asserted_by), res.name
    assert sum(f.kind == "exclusion-reason" for r in span_tables().values() for f in r.fields) == 1
    assert all(r.label for r in RESOURCES.values() if r.entity or r.name in {e.evidence_of for e in RESOURCES.values()})


def test_crossing_and_nested_spans_are_split_into_pieces_that_keep_every_span():
    """`[a (b] c)` and a span inside both: well-formed HTML, one first piece per span, its pieces' text the span's."""
    text = "one two three four five"
    spans = {"x": (0, 13), "y": (4, 18), "z": (8, 13), "w": (4, 18)}
    marks = [Mark(s, e, n, "m evidence", (("id", k),), k, f"row-{k}", underlined=True)
             for n, (k, (s, e)) in enumerate(spans.items())]
    html, lanes = render(text, marks)
    assert lanes == 4  # at characters 8-13 all four spans overlap

    class Pieces(HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.text, self.first, self.plain = [], {}, [], []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            self.stack.append(a["data-id"])
            if "tabindex" in a:
                self.first.append(a["id"])

        def handle_endtag(self, tag):
            self.stack.pop()

        def handle_data(self, data):
            self.plain.append(data)
            for k in set(self.stack):
                self.text[k] = self.text.get(k, "") + data

    p = Pieces()
    p.feed(html)
    assert p.stack == [] and "".join(p.plain) == text
    assert sorted(p.first) == sorted(spans)
    assert {k: p.text[k] for k in spans} == {k: text[s:e] for k, (s, e) in spans.items()}


# ---- in the browser ---------------------------------------------------------------------------------------------
def _missing(what: str):
    if os.environ.get("CI"):
        pytest.fail(f"{what}: .ci/run installs Debian's chromium and chromium-driver, pip the dev extra (selenium)")
    pytest.skip(what)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium for the module, logging every network request (performance log)."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("no selenium (pip install -e '.[dev]')")
    binary = next((shutil.which(n) for n in BROWSERS if shutil.which(n)), None)
    driver_path = shutil.which("chromedriver") or shutil.which("chromedriver", path=os.environ.get("CHROMEWEBDRIVER"))
    if not binary or not driver_path:
        _missing("no chromium or chromedriver on PATH (apt-get install chromium chromium-driver)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for flag in CHROMIUM_FLAGS + ["--window-size=1280,1000",
                                  f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=opts, service=Service(executable_path=driver_path))
    try:
        yield driver
    finally:
        driver.quit()


def open_page(browser, path: Path):
    browser.get(path.resolve().as_uri())
    return browser


MARKS_JS = """
const out = {};
for (const m of document.querySelectorAll('.article-text mark[data-table]')) {
  const key = m.dataset.table + ':' + m.dataset.id;
  const e = out[key] || (out[key] = {table: m.dataset.table, id: m.dataset.id, start: +m.dataset.start,
                                     end: +m.dataset.end, chars: '', first: 0, anchor: null, tabindex: null});
  e.chars += m.textContent;  // the pieces of one span never nest: in document order they make its text
  if (m.id) { e.first += 1; e.anchor = m.id; e.tabindex = m.getAttribute('tabindex'); }
}
return {marks: Object.values(out), chars: document.querySelector('.article-text').textContent};
"""


def test_every_span_of_every_article_is_marked_with_its_id_and_offsets(browser, site):
    articles = texts()
    want: dict[str, set] = {sid: set() for sid in articles}
    for res in span_tables().values():
        for r in rows(res):
            s = res.span
            want[r[s.source]].add((res.name, row_id(res, r), int(r[s.start]), int(r[s.end]), r[s.text]))
    for sid, text in articles.items():
        got = open_page(browser, site / "articles" / f"{sid}.html").execute_script(MARKS_JS)
        assert got["chars"] == text, f"{sid}: the article is not shown verbatim"
        marks = got["marks"]
        assert {(m["table"], m["id"], m["start"], m["end"], m["chars"]) for m in marks} == want[sid], sid
        assert all(m["first"] == 1 and m["tabindex"] == "0" and m["anchor"] == f"{m['table']}:{m['id']}"
                   for m in marks), sid


def test_hovering_or_focusing_a_mark_shows_its_row_and_a_click_opens_its_page(browser, site):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    claim = contested_claim()
    ev = next(e for e in rows(CLAIMS_EVIDENCE) if e[CLAIMS.primary_key[0]] == claim[CLAIMS.primary_key[0]]
              and e[STANCE.name] == REFUTES)
    sid = ev[CLAIMS_EVIDENCE.span.source]
    anchor = f"{CLAIMS_EVIDENCE.name}:{row_id(CLAIMS_EVIDENCE, ev)}"
    open_page(browser, site / "articles" / f"{sid}.html")
    popup = browser.find_element(By.ID, "popup")
    assert not popup.is_displayed()
    # keyboard: Tab from the mark before it reaches it, and its row shows
    marks = browser.find_elements(By.CSS_SELECTOR, ".article-text mark[tabindex]")
    at = [m.get_attribute("id") for m in marks].index(anchor)
    browser.execute_script("arguments[0].focus()", marks[at - 1])
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element.get_attribute("id") == anchor
    assert popup.is_displayed()
    assert claim[CLAIMS.label] in popup.text and REFUTES in popup.text
    ActionChains(browser).send_keys(Keys.ENTER).perform()  # Enter opens the claim's page
    assert browser.current_url.endswith(f"/{CLAIMS.name}/{claim[CLAIMS.primary_key[0]]}.html")
    # the pointer: a mention shows its entity with its QID
    entity_res = next(iter(entity_tables().values()))
    qid_field = next(f.name for f in entity_res.fields if f.kind == "wikidata-qid")
    entity = next(e for e in rows(entity_res) if e[qid_field])
    mention_res = the(lambda r: r.names_entities)
    ref = next(f.name for f in mention_res.fields if f.references == f"{entity_res.name}.{entity_res.primary_key[0]}")
    mention = next(m for m in rows(mention_res) if m[ref] == entity[entity_res.primary_key[0]])
    open_page(browser, site / "articles" / f"{mention[mention_res.span.source]}.html")
    mark = browser.find_element(By.ID, f"{mention_res.name}:{row_id(mention_res, mention)}")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    ActionChains(browser).move_to_element(mark).perform()
    popup = browser.find_element(By.ID, "popup")
    assert popup.is_displayed() and entity[entity_res.label] in popup.text and entity[qid_field] in popup.text
    mark.click()
    assert browser.current_url.endswith(f"/{entity_res.name}/{entity[entity_res.primary_key[0]]}.html")


def test_searching_a_word_finds_its_claim(browser, site):
    from selenium.webdriver.common.by import By

    claim = contested_claim()
    words = [w for w in re.findall(r"[A-Za-z]{5,}", claim[CLAIMS.label])][:2]
    open_page(browser, site / "index.html")
    box = browser.find_element(By.ID, "q")
    box.send_keys(" ".join(words))
    hrefs = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#results a")]
    assert any(h.endswith(f"/{CLAIMS.name}/{claim[CLAIMS.primary_key[0]]}.html") for h in hrefs), (words, hrefs)
    assert "match" in browser.find_element(By.ID, "search-status").text


def test_a_contested_claim_shows_both_sides_side_by_side(browser, site):
    from selenium.webdriver.common.by import By

    claim = contested_claim()
    key = claim[CLAIMS.primary_key[0]]
    evidence = [e for e in rows(CLAIMS_EVIDENCE) if e[CLAIMS.primary_key[0]] == key]
    open_page(browser, site / CLAIMS.name / f"{key}.html")
    sides = {}
    for stance in (SUPPORTS, REFUTES):
        section = browser.find_element(By.CSS_SELECTOR, f".side-{stance}")
        shown = [m.get_attribute("textContent") for m in section.find_elements(By.CSS_SELECTOR, "mark.hit")]
        assert sorted(shown) == sorted(e[CLAIMS_EVIDENCE.span.text] for e in evidence if e[STANCE.name] == stance)
        sides[stance] = section.rect
    assert sides[SUPPORTS]["y"] == sides[REFUTES]["y"] and sides[SUPPORTS]["x"] < sides[REFUTES]["x"]
    if os.environ.get("VS_UPDATE_SCREENSHOT"):
        browser.set_window_size(1280, 1240)
        try:
            browser.save_screenshot(str(ROOT / "docs" / "site-claim.png"))
        finally:
            browser.set_window_size(1280, 1000)


def test_pages_fit_a_phone_and_read_without_javascript(browser, site):
    from selenium.webdriver.common.by import By

    claim = contested_claim()
    pages = [site / "index.html", site / "articles" / f"{next(iter(texts()))}.html",
             site / CLAIMS.name / f"{claim[CLAIMS.primary_key[0]]}.html"]
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    try:
        for page in pages:
            width = open_page(browser, page).execute_script(
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert width == [390, 390], (page.name, width)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        open_page(browser, pages[0])
        assert not browser.find_element(By.ID, "search").is_displayed()
        assert "needs JavaScript" in browser.find_element(By.TAG_NAME, "main").text
        assert len(browser.find_elements(By.CSS_SELECTOR, f"#{CLAIMS.name} a")) == len(rows(CLAIMS))
        open_page(browser, pages[1])
        assert browser.find_elements(By.CSS_SELECTOR, "#spans li.row")
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_pages_opened_from_file_request_nothing_from_the_network(browser, site):
    """Every kind of page, opened from file://, asks for file:// addresses only (Chromium's network log, which holds
    every request of this session: the articles the tests above opened, and the pages opened here)."""
    def requests() -> list[tuple[str, str]]:
        """(address, address of the document that asked for it) of every request logged since the last call."""
        out = []
        for entry in browser.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                out.append((message["params"]["request"]["url"], message["params"].get("documentURL", "")))
        return out

    entity = next(iter(entity_tables().values()))
    event = next(r for r in RESOURCES.values() if any(f.kind == "edtf-date" for f in r.fields))
    with open(ROOT / RETIRED_IDS_FILE, encoding="utf-8", newline="") as fh:
        retired = next(csv.DictReader(fh))
    pages = [site / "index.html", site / CLAIMS.name / f"{contested_claim()[CLAIMS.primary_key[0]]}.html",
             site / entity.name / f"{rows(entity)[0][entity.primary_key[0]]}.html",
             site / event.name / f"{rows(event)[0][event.primary_key[0]]}.html",
             site / retired["table"] / f"{retired['id']}.html"]
    requested = requests()
    pages += [p for p in sorted((site / "articles").glob("*.html")) if p.as_uri() not in {u for u, _ in requested}]
    for page in pages:
        open_page(browser, page)
    requested += requests()
    ours = [u for u, document in requested if document.startswith(site.as_uri())]
    assert {p.as_uri() for p in [*pages, *(site / "articles").glob("*.html")]} <= set(ours)
    assert not [u for u in ours if not u.startswith(("file://", "data:"))]
    assert not [u for u, _ in requested if re.match(r"(https?|wss?|ftp):", u)]  # nor did the browser itself
    assert any(u.endswith("/assets/site.js") for u in ours) and any(u.endswith("/assets/site.css") for u in ours)
    if os.environ.get("VS_UPDATE_SCREENSHOT"):  # the article with the supporting evidence of the contested claim
        from selenium.webdriver.common.by import By

        claim = contested_claim()
        ev = next(e for e in rows(CLAIMS_EVIDENCE) if e[CLAIMS.primary_key[0]] == claim[CLAIMS.primary_key[0]]
                  and e[STANCE.name] == SUPPORTS)
        browser.set_window_size(1280, 1240)
        try:
            open_page(browser, site / "articles" / f"{ev[CLAIMS_EVIDENCE.span.source]}.html")
            mark = browser.find_element(By.ID, f"{CLAIMS_EVIDENCE.name}:{row_id(CLAIMS_EVIDENCE, ev)}")
            browser.execute_script("document.querySelector('h1').scrollIntoView();"
                                   "arguments[0].focus({preventScroll: true})", mark)
            time.sleep(0.2)
            browser.save_screenshot(str(ROOT / "docs" / "site-article.png"))
        finally:
            browser.set_window_size(1280, 1000)
