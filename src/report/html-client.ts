/**
 * The report's one client script (its hash is in the CSP; no inline handlers anywhere). It runs
 * after Chart.js and:
 * - wires the filter bar (html-filter.ts): status, domain and search narrow the criteria rows,
 *   check cards and rows and finding rows marked `data-f-status`; a group or section left empty
 *   says so; following a link to something the filter hides clears the filter first;
 * - draws every chart described in #golive-chart-data (plain Chart.js configs, no functions),
 *   with the `goliveThresholds` plugin drawing threshold lines from plain data, then sets
 *   body[data-charts-ready] to the number drawn;
 * - before printing, opens sections marked data-print-open and resizes charts to the page.
 */
export const CLIENT_SCRIPT = `(function () {
  'use strict';
  var doc = document;
  var body = doc.body;
  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  function setupFilter() {
    var bar = doc.getElementById('filters');
    if (!bar) return;
    var items = all(doc, '[data-f-status]');
    var groups = all(doc, '[data-f-group]');
    var sections = all(doc, 'section.block').filter(function (s) {
      return s.querySelector('[data-f-status]');
    });
    var buttons = all(bar, '[data-f-set-status]');
    var domainEl = bar.querySelector('select');
    var searchEl = bar.querySelector('input');
    var shownEl = bar.querySelector('.filters__shown');
    var texts = items.map(function (el) {
      var t = el.querySelector('[data-f-text]') || el;
      return (t.textContent || '').toLowerCase().replace(/\\s+/g, ' ');
    });
    var notes = sections.map(function (s) {
      var p = doc.createElement('p');
      p.className = 'none f-empty';
      p.textContent = 'Nothing in this section matches the filter.';
      p.hidden = true;
      s.appendChild(p);
      return p;
    });
    var state = { status: '', domain: '', q: '' };
    function apply() {
      var terms = state.q ? state.q.split(' ') : [];
      var shown = 0;
      items.forEach(function (el, i) {
        var ok =
          (!state.status || el.getAttribute('data-f-status') === state.status) &&
          (!state.domain || el.getAttribute('data-f-domain') === state.domain) &&
          terms.every(function (t) { return texts[i].indexOf(t) >= 0; });
        el.hidden = !ok;
        if (ok) shown++;
      });
      groups.forEach(function (g) {
        g.hidden = !g.querySelector('[data-f-status]:not([hidden])');
      });
      sections.forEach(function (s, i) {
        notes[i].hidden = !!s.querySelector('[data-f-status]:not([hidden])');
      });
      buttons.forEach(function (b) {
        b.setAttribute('aria-pressed', String(b.getAttribute('data-f-set-status') === state.status));
      });
      var active = !!(state.status || state.domain || state.q);
      shownEl.textContent = active ? shown + ' of ' + items.length + ' items shown' : '';
      body.classList.toggle('filtering', active);
    }
    function clear() {
      state = { status: '', domain: '', q: '' };
      domainEl.value = '';
      searchEl.value = '';
      apply();
    }
    function hiddenByFilter(el) {
      for (; el && el !== body; el = el.parentElement) if (el.hidden) return true;
      return false;
    }
    function reveal(id) {
      var target = id ? doc.getElementById(id) : null;
      if (target && hiddenByFilter(target)) {
        clear();
        target.scrollIntoView();
      }
    }
    buttons.forEach(function (b) {
      b.addEventListener('click', function () {
        state.status = b.getAttribute('data-f-set-status') || '';
        apply();
      });
    });
    domainEl.addEventListener('change', function () {
      state.domain = domainEl.value;
      apply();
    });
    searchEl.addEventListener('input', function () {
      state.q = searchEl.value.trim().toLowerCase().replace(/\\s+/g, ' ');
      apply();
    });
    // A link to an element the filter hides clears the filter before the browser scrolls.
    doc.addEventListener('click', function (ev) {
      var a = ev.target && ev.target.closest ? ev.target.closest('a[href^="#"]') : null;
      if (a) reveal(decodeURIComponent(a.getAttribute('href').slice(1)));
    });
    window.addEventListener('hashchange', function () {
      reveal(decodeURIComponent(location.hash.slice(1)));
    });
    bar.hidden = false;
    body.dataset.filterReady = '1';
  }

  function thresholdPlugin(font) {
    return {
      id: 'goliveThresholds',
      afterDatasetsDraw: function (chart, args, opts) {
        var lines = (opts && opts.lines) || [];
        if (!lines.length) return;
        var x = chart.scales.x;
        var area = chart.chartArea;
        var c = chart.ctx;
        var n = chart.data.labels.length || 1;
        c.save();
        for (var i = 0; i < lines.length; i++) {
          var l = lines[i];
          // bucket i spans [i - 0.5, i + 0.5]; bar charts offset the category axis by half a bucket
          var px = x.left + (l.at + 0.5) * (x.width / n);
          var right = px > area.left + area.width / 2;
          c.strokeStyle = l.color;
          c.fillStyle = l.color;
          c.lineWidth = 2;
          c.setLineDash([6, 4]);
          c.beginPath();
          c.moveTo(px, area.top);
          c.lineTo(px, area.bottom);
          c.stroke();
          c.setLineDash([]);
          c.font = '600 11px ' + font;
          c.textAlign = right ? 'right' : 'left';
          c.fillText(l.label, px + (right ? -4 : 4), area.top + 12 + 14 * i);
        }
        c.restore();
        chart.canvas.setAttribute('data-threshold-lines', String(lines.length));
      }
    };
  }

  function drawCharts() {
    function done(n, err) {
      if (err) body.dataset.chartsError = err;
      body.dataset.chartsReady = String(n);
    }
    var specs = [];
    try {
      var el = doc.getElementById('golive-chart-data');
      specs = el ? JSON.parse(el.textContent || '[]') : [];
    } catch (e) {
      done(0, 'chart data unreadable');
      return;
    }
    if (typeof Chart === 'undefined') {
      done(0, 'Chart.js not loaded');
      return;
    }
    var font = getComputedStyle(body).fontFamily;
    Chart.defaults.animation = false;
    Chart.defaults.font.family = font;
    Chart.defaults.color = '#3d4754';
    Chart.defaults.borderColor = 'rgba(20, 30, 45, 0.09)';
    Chart.register(thresholdPlugin(font));
    var charts = [];
    specs.forEach(function (spec) {
      var canvas = doc.getElementById(spec.canvasId);
      if (!canvas) return;
      try {
        charts.push(new Chart(canvas, spec.config));
      } catch (e) {
        canvas.setAttribute('data-chart-error', String(e && e.message));
      }
    });
    requestAnimationFrame(function () {
      done(charts.length, charts.length === specs.length ? '' : 'some charts failed');
    });
    var opened = [];
    window.addEventListener('beforeprint', function () {
      all(doc, 'details[data-print-open]:not([open])').forEach(function (d) {
        d.open = true;
        opened.push(d);
      });
      charts.forEach(function (c) { c.resize(); });
    });
    window.addEventListener('afterprint', function () {
      opened.forEach(function (d) { d.open = false; });
      opened = [];
      charts.forEach(function (c) { c.resize(); });
    });
  }

  setupFilter();
  drawCharts();
})();
`;
