/* vostochny-summit export site: the search box (index) and the popups of the marks (articles). Plain JavaScript,
   nothing loaded from anywhere: the search index is a script that set window.VS_SEARCH before this one ran. Every
   page is complete without this file. */
(function () {
  "use strict";
  var root = document.body.getAttribute("data-root") || "";

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[\u2018\u2019]/g, "'")
      .replace(/[\u201c\u201d]/g, '"').replace(/[\u2010-\u2014]/g, "-").toLowerCase();
  }

  /* ---- search ---------------------------------------------------------------------------------------------- */
  var box = document.getElementById("search");
  if (box && window.VS_SEARCH) {
    var input = document.getElementById("q");
    var results = document.getElementById("results");
    var status = document.getElementById("search-status");
    var entries = window.VS_SEARCH.map(function (e) {
      return { kind: e[0], label: e[1], href: e[2], name: fold(e[1]), hay: fold(e[1] + " " + e[3]) };
    });
    var LIMIT = 50;
    var run = function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      results.textContent = "";
      if (!words.length) { status.textContent = ""; return; }
      var hits = entries.filter(function (e) {
        return words.every(function (w) { return e.hay.indexOf(w) >= 0; });
      });
      var named = function (e) { return words.every(function (w) { return e.name.indexOf(w) >= 0; }) ? 0 : 1; };
      hits.sort(function (a, b) { return named(a) - named(b); });  /* the words in the label first; stable */
      status.textContent = hits.length + (hits.length === 1 ? " match" : " matches") +
        (hits.length > LIMIT ? ", the first " + LIMIT + " shown" : "");
      hits.slice(0, LIMIT).forEach(function (e) {
        var li = document.createElement("li");
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = e.kind;
        var a = document.createElement("a");
        a.href = e.href;
        a.textContent = e.label;
        li.append(kind, " ", a);
        results.append(li);
      });
    };
    box.hidden = false;
    input.addEventListener("input", run);
    run();
  }

  /* ---- popups ---------------------------------------------------------------------------------------------- */
  var text = document.querySelector(".article-text");
  if (!text) { return; }
  var pop = document.createElement("div");
  pop.id = "popup";
  pop.className = "popup";
  pop.setAttribute("role", "tooltip");
  pop.hidden = true;
  document.body.append(pop);
  var hideTimer = null;

  function described(mark) {
    return document.getElementById("row-" + mark.getAttribute("data-table") + ":" + mark.getAttribute("data-id"));
  }
  function marksAt(el) { /* the mark under the pointer and every mark around it, innermost first */
    var out = [], seen = {};
    for (var m = el.closest("mark[data-table]"); m && text.contains(m); m = m.parentElement.closest("mark[data-table]")) {
      var key = m.getAttribute("data-table") + ":" + m.getAttribute("data-id");
      if (!seen[key]) { seen[key] = true; out.push(m); }
    }
    return out;
  }
  function show(marks, near) {
    clearTimeout(hideTimer);
    pop.textContent = "";
    marks.forEach(function (m) {
      var row = described(m);
      if (!row) { return; }
      var entry = document.createElement("div");
      entry.className = "entry " + row.className;
      entry.innerHTML = row.innerHTML;
      pop.append(entry);
    });
    if (!pop.childNodes.length) { return; }
    pop.hidden = false;
    var box = near.getBoundingClientRect();  /* below the whole mark, all its lines, so it hides none of them */
    var width = pop.offsetWidth;
    var left = Math.min(box.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8);
    pop.style.left = Math.max(8, left) + "px";
    pop.style.top = (box.bottom + window.scrollY + 8) + "px";
  }
  function hide() { pop.hidden = true; }
  function hideSoon() { clearTimeout(hideTimer); hideTimer = setTimeout(hide, 250); }
  function go(mark) {
    var href = mark.getAttribute("data-href");
    if (href) { window.location.href = root + href; }
  }

  text.addEventListener("mouseover", function (e) {
    var marks = marksAt(e.target);
    if (marks.length) { show(marks, marks[0]); }
  });
  text.addEventListener("mouseleave", hideSoon);
  pop.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
  pop.addEventListener("mouseleave", hideSoon);
  text.addEventListener("focusin", function (e) {
    if (e.target.matches("mark[data-table]")) { show([e.target], e.target); }
  });
  text.addEventListener("focusout", hideSoon);
  text.addEventListener("click", function (e) {
    var mark = e.target.closest("mark[data-href]");
    var selection = window.getSelection ? String(window.getSelection()) : "";
    if (mark && !selection) { go(mark); }
  });
  text.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.matches("mark[data-table]")) { go(e.target); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { hide(); }
  });
}());
