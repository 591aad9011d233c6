/**
 * The dashboard's one script, served from /assets/dashboard.js (the pages' CSP allows scripts
 * from the dashboard itself, and the report's own inline scripts by hash). No build step, no
 * framework, no data put into HTML: text from the server goes in through textContent.
 *
 * - A rejected form: the error at the top of the form area is scrolled into view and the field
 *   in error focused (the server re-renders the form with the user's input kept).
 * - Live refresh: pages that name parts in `<meta name="golive-live">` listen to
 *   /api/events; when the store gains records they fetch their own URL and swap those parts
 *   in place (forms are never among them, so nothing typed is lost).
 * - The live view (/live): the running review's phases, their detail and a running clock.
 */
export const DASHBOARD_JS = String.raw`(function () {
  'use strict';
  var d = document;
  function meta(n) {
    var m = d.querySelector('meta[name="' + n + '"]');
    return m ? m.getAttribute('content') || '' : '';
  }

  var err = d.querySelector('[data-testid="form-error"]');
  if (err) {
    err.scrollIntoView({ block: 'start' });
    var bad = d.querySelector('[aria-invalid="true"]');
    if (bad) bad.focus({ preventScroll: true });
  }

  var parts = meta('golive-live').split(' ').filter(Boolean);
  var liveBox = d.getElementById('live');
  if ((!parts.length && !liveBox) || typeof EventSource === 'undefined') return;

  var self = meta('golive-self') || location.pathname + location.search;
  var busy = false, again = false, records = -1;
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(self, { headers: { accept: 'text/html' }, credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var doc = new DOMParser().parseFromString(html, 'text/html');
        parts.forEach(function (id) {
          var now = d.getElementById(id), next = doc.getElementById(id);
          if (now && next) now.replaceWith(d.importNode(next, true));
        });
        d.body.dataset.refreshed = String(Number(d.body.dataset.refreshed || '0') + 1);
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  var es = new EventSource('/api/events');
  es.addEventListener('store', function (e) {
    var n = JSON.parse(e.data).records;
    if (records >= 0 && n !== records && parts.length) refresh();
    records = n;
    d.body.dataset.records = String(n);
  });

  var shown = null, base = 0, at = 0;
  function secs(ms) { return (ms / 1000).toFixed(1) + ' s'; }
  function el(tag, text, cls) {
    var x = d.createElement(tag);
    if (text !== undefined) x.textContent = text;
    if (cls) x.className = cls;
    return x;
  }
  var ICON = { pending: '·', running: '…', pass: '✓', fail: '✗', error: '!', skip: '-' };
  function draw() {
    if (!liveBox) return;
    var r = shown;
    liveBox.textContent = '';
    if (!r) {
      liveBox.appendChild(el('p', 'No review has been started from this dashboard since it started.', 'none'));
      return;
    }
    var elapsed = r.state === 'running' ? base + (performance.now() - at) : r.elapsedMs;
    var head = el('p', '', 'lead');
    head.dataset.testid = 'live-state';
    head.dataset.state = r.state;
    head.appendChild(el('b', r.state === 'running' ? 'Running' : r.state === 'done' ? 'Finished' : 'Failed'));
    head.appendChild(d.createTextNode(' · ' + r.label + ' · started by ' + r.startedBy + ' · '));
    var clock = el('span', secs(elapsed));
    clock.dataset.testid = 'live-elapsed';
    head.appendChild(clock);
    liveBox.appendChild(head);
    if (r.error) {
      var bad = el('div', 'The review stopped: ' + r.error.message + (r.error.hint ? ' (' + r.error.hint + ')' : ''), 'banner banner--bad');
      bad.dataset.testid = 'live-error';
      liveBox.appendChild(bad);
    }
    if (r.runId) {
      var done = el('p', '');
      done.dataset.testid = 'live-done';
      done.appendChild(d.createTextNode('Decision: ' + String(r.decision).replace('_', ' ').replace('NO GO', 'NO-GO') + ' · '));
      var a = el('a', 'open run ' + r.runId);
      a.href = '/runs/' + encodeURIComponent(r.runId);
      done.appendChild(a);
      liveBox.appendChild(done);
    }
    var t = el('table', undefined, 'live-steps');
    var hr = d.createElement('tr');
    ['', 'Phase', 'Step', 'Time'].forEach(function (h) { hr.appendChild(el('th', h)); });
    var thead = d.createElement('thead');
    thead.appendChild(hr);
    t.appendChild(thead);
    var tb = d.createElement('tbody');
    r.steps.forEach(function (s) {
      var tr = d.createElement('tr');
      tr.dataset.testid = 'live-step';
      tr.dataset.state = s.state;
      tr.dataset.step = s.id;
      tr.appendChild(el('td', ICON[s.state] || '', 'chip chip--' + s.state));
      tr.appendChild(el('td', s.title));
      tr.appendChild(el('td', s.detail));
      var ms = s.startedMs === undefined ? '' : secs((s.endedMs !== undefined ? s.endedMs : (r.state === 'running' ? elapsed : r.elapsedMs)) - s.startedMs);
      tr.appendChild(el('td', ms, 'num'));
      tb.appendChild(tr);
    });
    t.appendChild(tb);
    liveBox.appendChild(t);
  }
  es.addEventListener('review', function (e) {
    shown = JSON.parse(e.data);
    base = shown ? shown.elapsedMs : 0;
    at = performance.now();
    draw();
    if (shown && shown.state !== 'running' && parts.length) refresh();
  });
  if (liveBox) setInterval(function () { if (shown && shown.state === 'running') draw(); }, 1000);
})();
`;
