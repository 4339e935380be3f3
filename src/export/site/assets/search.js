// The search box of the index: finds entities by any word of their names and
// documents by the words of their texts, from the index in search/, which is
// split into small files loaded by <script> on demand (browsers refuse fetch
// on file://). Words are folded as annalist folds them: decomposed, combining
// marks dropped, lower case; a query word matches the words it begins.
(function () {
  'use strict';
  var S = window.annalistSearch = { buckets: {}, tables: {}, info: null };
  var loading = {};
  S.meta = function (info) { S.info = info; };
  S.bucket = function (n, words) { S.buckets[n] = words; };
  S.table = function (kind, n, rows) { S.tables[kind + n] = rows; };

  function load(file) {
    if (!loading[file]) {
      loading[file] = new Promise(function (resolve) {
        var s = document.createElement('script');
        s.src = 'search/' + file;
        s.onload = resolve;
        s.onerror = resolve;
        document.head.appendChild(s);
      });
    }
    return loading[file];
  }
  function fold(s) { return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase(); }
  function words(s) {
    return fold(s).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return Array.from(w).length >= 2; });
  }
  function fnv1a(s) {
    var bytes = new TextEncoder().encode(s), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }
  function bucketOf(word) { return fnv1a(Array.from(word).slice(0, 3).join('')) % S.info.buckets; }
  function intersect(a, b) { return a === null ? b : a.filter(function (x) { return b.indexOf(x) >= 0; }); }

  // Entities and documents matching every word of the query.
  function find(query) {
    var ws = words(query);
    if (!ws.length || !S.info) { return Promise.resolve(null); }
    var files = ws.map(function (w) { return 'b-' + bucketOf(w) + '.js'; });
    return Promise.all(files.map(load)).then(function () {
      var ents = null, docs = null, more = false;
      ws.forEach(function (w) {
        var bucket = S.buckets[bucketOf(w)] || {}, e = {}, d = {};
        Object.keys(bucket).forEach(function (k) {
          if (k.lastIndexOf(w, 0) !== 0) { return; }
          var p = bucket[k];
          p[0].forEach(function (x) { e[x] = true; });
          p[1].forEach(function (x) { d[x] = true; });
          if (p[2] > p[1].length) { more = true; }
        });
        ents = intersect(ents, Object.keys(e).map(Number).sort(function (a, b) { return a - b; }));
        docs = intersect(docs, Object.keys(d).map(Number).sort(function (a, b) { return a - b; }));
      });
      return { entities: ents.slice(0, 50), documents: docs.slice(0, 50), more: more, nEnt: ents.length, nDoc: docs.length };
    });
  }
  function rows(kind, list) {
    var chunk = S.info.chunk, need = {};
    list.forEach(function (i) { need[kind + '-' + Math.floor(i / chunk) + '.js'] = true; });
    return Promise.all(Object.keys(need).map(load)).then(function () {
      return list.map(function (i) {
        var t = S.tables[kind + Math.floor(i / chunk)];
        return t ? t[i % chunk] : null;
      }).filter(Boolean);
    });
  }
  function list(title, items, render) {
    var section = document.createElement('section');
    var h = document.createElement('h3');
    h.textContent = title;
    section.appendChild(h);
    var ul = document.createElement('ul');
    items.forEach(function (row) {
      var li = document.createElement('li'), a = document.createElement('a');
      a.href = row[0];
      a.textContent = row[1];
      li.appendChild(a);
      var extra = render(row);
      if (extra) { li.appendChild(document.createTextNode(' ' + extra)); }
      ul.appendChild(li);
    });
    section.appendChild(ul);
    return section;
  }
  function count(n, one, many) { return n + ' ' + (n === 1 ? one : many); }
  function show(out, query) {
    return find(query).then(function (hits) {
      if (!hits) { out.textContent = 'Type a name or a word (two letters or more).'; return; }
      return Promise.all([rows('e', hits.entities), rows('d', hits.documents)]).then(function (r) {
        out.textContent = '';
        var p = document.createElement('p');
        p.textContent = count(hits.nEnt, 'entity', 'entities') + ', ' + count(hits.nDoc, 'document', 'documents') +
          (hits.more ? ' (common words: only the first documents with each word are indexed)' : '') + '.';
        out.appendChild(p);
        if (r[0].length) { out.appendChild(list('Entities', r[0], function (row) { return '(' + row[2] + ')'; })); }
        if (r[1].length) { out.appendChild(list('Documents', r[1], function (row) { return row[2] ? '(' + row[2] + ')' : ''; })); }
      });
    });
  }
  function start() {
    var form = document.getElementById('search-form');
    var input = document.getElementById('q');
    var out = document.getElementById('search-results');
    if (!form || !input || !out) { return; }
    form.hidden = false;
    var timer = null;
    form.addEventListener('submit', function (e) { e.preventDefault(); show(out, input.value); });
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { show(out, input.value); }, 200);
    });
    var q = new URLSearchParams(window.location.search).get('q');
    if (q) { input.value = q; show(out, q); }
  }
  // Deferred scripts run before DOMContentLoaded: wait for search/meta.js.
  if (document.readyState === 'complete') { start(); } else { document.addEventListener('DOMContentLoaded', start); }
}());
