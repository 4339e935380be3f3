// The filters of the claims page: relation, source and a range of years.
// Without JavaScript the form stays hidden and the table shows every claim.
(function () {
  'use strict';
  function start() {
    var form = document.getElementById('filter');
    var table = document.getElementById('claims-table');
    if (!form || !table) { return; }
    var relation = document.getElementById('f-relation');
    var source = document.getElementById('f-source');
    var from = document.getElementById('f-from');
    var to = document.getElementById('f-to');
    var count = document.getElementById('f-count');
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function year(s) { var m = /^-?\d{1,4}/.exec(s.trim()); return m ? parseInt(m[0], 10) : null; }
    function apply() {
      var r = relation.value, s = source.value, a = year(from.value), z = year(to.value), shown = 0;
      rows.forEach(function (row) {
        var d = row.getAttribute('data-date') || '';
        var first = year(d.split('/')[0] || ''), last = year(d.split('/').pop() || '');
        var ok = (!r || row.getAttribute('data-relation') === r) &&
          (!s || row.getAttribute('data-source') === s) &&
          (a === null || (last !== null && last >= a)) &&
          (z === null || (first !== null && first <= z));
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      count.textContent = shown + ' of ' + rows.length + ' claims';
    }
    [relation, source, from, to].forEach(function (el) { el.addEventListener('input', apply); });
    form.addEventListener('submit', function (e) { e.preventDefault(); apply(); });
    form.hidden = false;
    apply();
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
}());
