/* sitegen search: finds stories in the index under /search/, in the browser, with no server and no network
   beyond this site. Every query word must match the start of a word in the headline, summary, topics,
   outlet or the names the story mentions; headline matches rank first, then newer stories. Results are built as DOM nodes with
   textContent, never as HTML, so nothing in an article can inject markup here. */
(function () {
  "use strict";
  var MAX_RESULTS = 50;
  var WEIGHTS = { title: 6, tags: 3, source: 3, summary: 1, names: 1 };  // names: those the body mentions
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!form || !input || !status || !list || !window.fetch) return;
  var loading = null;
  var timer = null;

  // Accents and case do not matter: "zurich" finds "Zürich".
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function wordsOf(text) {
    return fold(text).match(/[\p{L}\p{N}]+/gu) || [];
  }

  function getJson(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.json();
    });
  }

  // The index is a manifest of monthly shards (so a build re-renders only the months that changed);
  // they load in parallel and are searched as one list, newest month first.
  function loadIndex() {
    if (!loading) {
      loading = getJson(input.getAttribute("data-index")).then(function (manifest) {
        return Promise.all(manifest.shards.map(function (shard) { return getJson(shard.url); }))
          .then(function (shards) {
            var rows = [];
            shards.forEach(function (shard) { rows.push.apply(rows, shard.articles); });
            return prepare(manifest.fields, rows);
          });
      });
      loading.catch(function () { loading = null; });  // a later search tries again
    }
    return loading;
  }

  function prepare(fields, rows) {
    var at = {};
    fields.forEach(function (name, i) { at[name] = i; });
    return rows.map(function (row) {
      var record = { url: row[at.url], title: row[at.title], summary: row[at.summary],
                     source: row[at.source], tags: row[at.tags] ? row[at.tags].split("|") : [], date: row[at.date],
                     names: row[at.names] || "" };
      record.words = { title: wordsOf(record.title), summary: wordsOf(record.summary), source: wordsOf(record.source),
                       tags: wordsOf(record.tags.join(" ")), names: wordsOf(record.names) };
      return record;
    });
  }

  function fieldScore(words, term) {
    var best = 0;
    for (var i = 0; i < words.length; i++) {
      if (words[i] === term) return 2;
      if (best === 0 && words[i].lastIndexOf(term, 0) === 0) best = 1;
    }
    return best;
  }

  function score(record, terms) {
    var total = 0;
    for (var t = 0; t < terms.length; t++) {
      var termScore = 0;
      for (var field in WEIGHTS) termScore += WEIGHTS[field] * fieldScore(record.words[field], terms[t]);
      if (termScore === 0) return 0;  // every word of the query must be found
      total += termScore;
    }
    return total;
  }

  function search(records, query) {
    var terms = wordsOf(query);
    if (!terms.length) return [];
    var found = [];
    records.forEach(function (record) {
      var s = score(record, terms);
      if (s) found.push({ record: record, score: s });
    });
    found.sort(function (a, b) {
      return b.score - a.score || (a.record.date < b.record.date ? 1 : a.record.date > b.record.date ? -1 : 0);
    });
    return found;
  }

  // Text with the query's words marked, as nodes: folding keeps one folded piece per original character.
  function highlighted(text, terms) {
    var folded = "", origin = [];
    for (var i = 0; i < text.length; i++) {
      var piece = fold(text[i]);
      for (var k = 0; k < piece.length; k++) { folded += piece[k]; origin.push(i); }
    }
    origin.push(text.length);
    var marks = [];
    terms.forEach(function (term) {
      var re = new RegExp("(^|[^\\p{L}\\p{N}])(" + term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + ")", "gu");
      var m;
      while ((m = re.exec(folded))) {
        var start = m.index + m[1].length;
        marks.push([origin[start], origin[start + m[2].length]]);
      }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var fragment = document.createDocumentFragment(), pos = 0;
    marks.forEach(function (mark) {
      if (mark[0] < pos) return;  // overlaps one already marked
      fragment.appendChild(document.createTextNode(text.slice(pos, mark[0])));
      var el = document.createElement("mark");
      el.textContent = text.slice(mark[0], mark[1]);
      fragment.appendChild(el);
      pos = mark[1];
    });
    fragment.appendChild(document.createTextNode(text.slice(pos)));
    return fragment;
  }

  // The names from the body that a query word found, so a hit that the headline does not explain is explained.
  function mentioned(record, terms) {
    var names = (record.names || "").split(" ");
    return names.filter(function (name) {
      var words = wordsOf(name);
      return terms.some(function (term) { return fieldScore(words, term) > 0; });
    });
  }

  function element(tag, className, child) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (typeof child === "string") el.textContent = child;
    else if (child) el.appendChild(child);
    return el;
  }

  function show(found, query) {
    var terms = wordsOf(query);
    list.textContent = "";
    found.slice(0, MAX_RESULTS).forEach(function (hit) {
      var r = hit.record;
      var link = element("a", "", highlighted(r.title, terms));
      link.href = r.url;
      var item = element("li", "story");
      item.appendChild(element("h2", "story-title", link));
      var meta = [r.source, r.date, r.tags.join(", ")].filter(Boolean).join(" · ");
      item.appendChild(element("p", "meta", highlighted(meta, terms)));
      if (r.summary) item.appendChild(element("p", "summary", highlighted(r.summary, terms)));
      var named = mentioned(r, terms);
      if (named.length) item.appendChild(element("p", "meta mentions", highlighted("Mentions " + named.join(", "), terms)));
      list.appendChild(item);
    });
    var count = found.length;
    status.textContent = count === 0 ? "No stories match “" + query + "”."
      : (count === 1 ? "1 story matches" : count + " stories match") + " “" + query + "”"
        + (count > MAX_RESULTS ? "; the " + MAX_RESULTS + " best are shown." : ".");
  }

  function run(updateAddress) {
    var query = input.value.trim();
    if (updateAddress && window.history.replaceState) {
      var url = new URL(window.location.href);
      if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
      window.history.replaceState(null, "", url);
    }
    if (!query) {
      list.textContent = "";
      status.textContent = "";
      return;
    }
    status.textContent = "Searching…";
    loadIndex().then(function (records) {
      if (input.value.trim() === query) show(search(records, query), query);
    }, function () {
      status.textContent = "The search index could not be loaded. Please try again.";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run(true);
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(true); }, 150);
  });
  input.addEventListener("focus", loadIndex, { once: true });  // fetch while the reader types

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    run(false);
  }
})();
