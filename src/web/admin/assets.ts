/**
 * The admin page's stylesheet and its small progressive-enhancement script, served from
 * `/admin/assets/admin.css` and `/admin/assets/admin.js` (kept in TypeScript so builds carry them).
 * Every page works without the script; it only adds live template previews, placeholder insertion,
 * showing/hiding dependent fields, and focusing the error summary.
 */

export const ADMIN_CSS = `
:root {
  --bg: #f5f6f8; --surface: #fff; --text: #1f2937; --muted: #6b7280; --border: #e2e5ea; --border-strong: #cdd2da;
  --brand: #1d4ed8; --brand-dark: #1e3a8a; --brand-soft: #eef3ff; --top: #111827;
  --ok: #047857; --ok-bg: #e7f6ef; --warn: #92400e; --warn-bg: #fdf3e1; --bad: #b91c1c; --bad-bg: #fdecec; --info: #1e40af; --info-bg: #e8efff;
  --radius: 8px; --focus: #f59e0b;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--brand); text-underline-offset: 2px; }
a:hover { color: var(--brand-dark); }
code, pre, .code { font-family: var(--mono); font-size: 0.88em; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0; letter-spacing: -0.01em; }
h2 { font-size: 1.1rem; margin: 0 0 0.75rem; }
h3 { font-size: 0.95rem; margin: 0 0 0.5rem; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip { position: absolute; left: 0.5rem; top: -3rem; background: var(--surface); padding: 0.5rem 0.75rem; border-radius: var(--radius); z-index: 10; }
.skip:focus { top: 0.5rem; }
.muted { color: var(--muted); }
.small { font-size: 0.85em; }
.muted-inv { opacity: 0.7; }

/* top bar */
.topbar { background: var(--top); color: #e5e7eb; }
.topbar-inner { max-width: 1320px; margin: 0 auto; padding: 0 1.25rem; display: flex; align-items: center; gap: 1.5rem; min-height: 56px; flex-wrap: wrap; }
.brand { color: #fff; text-decoration: none; font-weight: 650; font-size: 1.05rem; display: flex; align-items: center; gap: 0.5rem; }
.brand:hover { color: #fff; }
.brand-mark { color: #fff; display: inline-grid; place-items: center; width: 28px; height: 28px; border-radius: 7px; background: linear-gradient(135deg, #3b82f6, #1d4ed8); font-size: 0.8rem; letter-spacing: 0.02em; }
.brand-sub { color: #9ca3af; font-weight: 500; }
.mainnav ul { list-style: none; display: flex; gap: 0.25rem; margin: 0; padding: 0; flex-wrap: wrap; }
.mainnav a { color: #d1d5db; text-decoration: none; padding: 0.45rem 0.7rem; border-radius: 6px; display: block; font-weight: 500; }
.mainnav a:hover { background: #1f2937; color: #fff; }
.mainnav a[aria-current="page"] { background: #374151; color: #fff; }
.session { margin-left: auto; display: flex; align-items: center; gap: 0.75rem; }
.session form { display: flex; align-items: center; gap: 0.4rem; margin: 0; }
.tenant-form label { color: #9ca3af; font-size: 0.85rem; }
.topbar .tenant-form input { background: #1f2937; border: 1px solid #374151; color: #fff; border-radius: 6px; padding: 0.3rem 0.5rem; font: inherit; font-size: 0.85rem; width: 8rem; }

/* layout */
.container { max-width: 1320px; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
main:focus { outline: none; }
.crumbs ol { list-style: none; display: flex; gap: 0.4rem; padding: 0; margin: 0 0 0.35rem; font-size: 0.88rem; }
.crumbs li + li::before { content: "›"; color: var(--muted); margin-right: 0.4rem; }
.page-head { display: flex; align-items: center; justify-content: space-between; gap: 1rem; margin-bottom: 1rem; flex-wrap: wrap; }
.page-actions { display: flex; gap: 0.5rem; flex-wrap: wrap; }
.lead { color: var(--muted); margin: -0.25rem 0 1.25rem; max-width: 70ch; }
.card { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); padding: 1.25rem; margin-bottom: 1rem; box-shadow: 0 1px 2px rgba(16,24,40,.04); }
.card > :first-child, .card > form:first-child > :first-child { margin-top: 0; }
.card-head { display: flex; align-items: center; justify-content: space-between; gap: 1rem; margin-bottom: 0.75rem; }
.card-head h2 { margin: 0; }
section > h2 .count, h2 .count { display: inline-block; min-width: 1.6em; padding: 0 0.4em; border-radius: 999px; background: #e5e7eb; color: #374151; font-size: 0.8rem; text-align: center; vertical-align: middle; }
.split { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; align-items: start; }
@media (max-width: 900px) { .split { grid-template-columns: 1fr; } }

/* flash + errors */
.flash { border-radius: var(--radius); padding: 0.75rem 1rem; margin: 0 0 1rem; border: 1px solid; }
.flash-ok { background: var(--ok-bg); border-color: #a7dcc5; color: #065f46; }
.flash-info { background: var(--info-bg); border-color: #bfd0fb; color: var(--info); }
.flash-error { background: var(--bad-bg); border-color: #f3b8b8; color: var(--bad); }
.error-summary { border: 2px solid var(--bad); background: #fff; border-radius: var(--radius); padding: 1rem 1.25rem; margin-bottom: 1rem; }
.error-summary h2 { color: var(--bad); font-size: 1rem; }
.error-summary ul { margin: 0; padding-left: 1.2rem; }
.error-summary a { color: var(--bad); font-weight: 500; }
.field-error { color: var(--bad); font-weight: 500; margin: 0.3rem 0 0; font-size: 0.88rem; }
.field-error::before { content: "⚠ "; }
.has-error > input, .has-error > textarea, .has-error > select { border-color: var(--bad); box-shadow: 0 0 0 1px var(--bad); }
fieldset.has-error { border-left: 3px solid var(--bad); padding-left: 0.75rem; }

/* buttons */
.btn { display: inline-flex; align-items: center; gap: 0.35rem; font: inherit; font-weight: 550; font-size: 0.92rem; line-height: 1.2; padding: 0.55rem 0.95rem; border-radius: 6px; border: 1px solid transparent; cursor: pointer; text-decoration: none; white-space: nowrap; }
.btn-primary { background: var(--brand); color: #fff; }
.btn-primary:hover { background: var(--brand-dark); color: #fff; }
.btn-secondary { background: #fff; color: var(--text); border-color: var(--border-strong); }
.btn-secondary:hover { background: #f3f4f6; color: var(--text); }
.btn-ghost { background: transparent; color: inherit; border-color: transparent; }
.topbar .btn-ghost { color: #d1d5db; border-color: #374151; }
.topbar .btn-ghost:hover { background: #1f2937; color: #fff; }
.btn-danger { background: var(--bad); color: #fff; }
.btn-danger:hover { background: #991b1b; color: #fff; }
.btn-ghost-danger { background: #fff; color: var(--bad); border-color: #f0c4c4; }
.btn-ghost-danger:hover { background: var(--bad-bg); color: var(--bad); }
.btn-small { padding: 0.3rem 0.6rem; font-size: 0.84rem; }
.form-actions { display: flex; gap: 0.6rem; align-items: center; flex-wrap: wrap; margin-top: 1rem; }
.row-end { display: flex; justify-content: flex-end; }
form.inline { display: inline; margin: 0; }

/* forms */
.field { margin-bottom: 0.9rem; min-width: 0; }
.field > label, .filter > label, .group > legend { display: block; font-weight: 600; font-size: 0.9rem; margin-bottom: 0.3rem; }
.req { color: var(--bad); }
.hint { color: var(--muted); font-size: 0.84rem; margin: -0.15rem 0 0.35rem; }
input[type=text], input[type=email], input[type=password], input:not([type]), input[type=number], select, textarea, .filter input {
  width: 100%; font: inherit; color: var(--text); background: #fff; border: 1px solid var(--border-strong); border-radius: 6px; padding: 0.5rem 0.65rem; }
input[type=text], input[type=email], input[type=password], input:not([type]), input[type=number], select { height: 2.5rem; }
input[readonly] { background: #f3f4f6; color: var(--muted); }
textarea { resize: vertical; min-height: 2.6rem; }
textarea.code { font-family: var(--mono); font-size: 0.84rem; line-height: 1.45; tab-size: 2; }
input:focus, select:focus, textarea:focus { border-color: var(--brand); outline: 3px solid rgba(29,78,216,.25); outline-offset: 0; }
.size-short input, .size-short select { max-width: 14rem; }
.size-medium input { max-width: 24rem; }
.check { display: flex; align-items: flex-start; gap: 0.5rem; }
.check input { width: 1.1rem; height: 1.1rem; margin: 0.15rem 0 0; accent-color: var(--brand); flex: none; }
.check label { font-weight: 500; }
.field-check .hint { margin: 0.15rem 0 0 1.6rem; }
.check-row { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; }
fieldset { border: 0; padding: 0; margin: 0 0 0.9rem; min-width: 0; }
fieldset.plain { margin: 0; }
.grid { display: grid; gap: 0 1.25rem; }
.grid-2 { grid-template-columns: repeat(2, minmax(0, 1fr)); }
.grid-3 { grid-template-columns: repeat(3, minmax(0, 1fr)); }
@media (max-width: 760px) { .grid-2, .grid-3 { grid-template-columns: 1fr; } }
.rule-form .card h2, .card > h2 { padding-bottom: 0.6rem; border-bottom: 1px solid var(--border); }
.levels { display: grid; gap: 0.75rem; margin-bottom: 0.75rem; }
fieldset.level { border: 1px solid var(--border); border-radius: var(--radius); padding: 0.9rem 1rem 0.6rem; background: #fafbfc; }
fieldset.level > legend { font-weight: 650; padding: 0 0.35rem; }
[hidden] { display: none !important; }
.reveal { margin: -0.25rem 0 0.9rem; }

/* filters */
.filters { display: flex; flex-wrap: wrap; gap: 0.75rem 1rem; align-items: flex-end; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); padding: 0.85rem 1rem; margin-bottom: 1rem; }
.filter { min-width: 10rem; }
.filter.grow { flex: 1; }
.filter label { font-size: 0.82rem; color: var(--muted); font-weight: 600; }
.filter select, .filter input { padding: 0.35rem 0.55rem; height: 2.3rem; }
.filter-buttons { display: flex; gap: 0.5rem; min-width: 0; }
.open-form { background: var(--brand-soft); border-color: #cfdcfb; }
.lookup .filter input { font-size: 1rem; }

/* tables */
.table-wrap { overflow-x: auto; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); margin-bottom: 1rem; }
.card .table-wrap { border: 0; margin: 0 -0.25rem; }
table { width: 100%; border-collapse: collapse; font-size: 0.92rem; }
caption { text-align: left; padding: 0.75rem 1rem 0.25rem; font-weight: 600; color: var(--muted); font-size: 0.85rem; }
th, td { text-align: left; vertical-align: top; padding: 0.65rem 1rem; border-bottom: 1px solid var(--border); }
thead th { font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); background: #fafbfc; font-weight: 650; white-space: nowrap; }
tbody tr:last-child > * { border-bottom: 0; }
tbody tr:hover { background: #fafbff; }
tbody th { font-weight: 600; }
time, .nowrap { white-space: nowrap; }
#rules-table tbody th { min-width: 11rem; }
tr.inactive > th, tr.inactive > td:not(.row-actions) { color: var(--muted); }
tr.inactive > th a { color: #4b5563; }
.row-actions { white-space: nowrap; }
.row-actions > * { margin: 0 0.2rem 0.2rem 0; }
.plain-list { list-style: none; margin: 0; padding: 0; }
td.smtp code { white-space: normal; word-break: break-word; font-size: 0.8rem; color: #374151; }
.empty { background: var(--surface); border: 1px dashed var(--border-strong); border-radius: var(--radius); padding: 2.5rem 1rem; text-align: center; margin-bottom: 1rem; }
.card .empty { border: 0; padding: 1rem; margin: 0; }
.empty-title { font-size: 1.05rem; font-weight: 600; margin: 0 0 0.25rem; }

/* badges */
.badge { display: inline-block; padding: 0.12rem 0.55rem; border-radius: 999px; font-size: 0.78rem; font-weight: 600; line-height: 1.5; white-space: nowrap; border: 1px solid transparent; }
.badge-ok { background: var(--ok-bg); color: var(--ok); border-color: #bfe5d3; }
.badge-warn { background: var(--warn-bg); color: var(--warn); border-color: #f3d9a8; }
.badge-bad { background: var(--bad-bg); color: var(--bad); border-color: #f3c1c1; }
.badge-info { background: var(--info-bg); color: var(--info); border-color: #c9d7fb; }
.badge-neutral { background: #f1f2f4; color: #4b5563; border-color: #e1e4e8; }

/* meta lists */
dl.meta { margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 0.75rem 1.25rem; }
dl.meta dt { font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); font-weight: 650; }
dl.meta dd { margin: 0.1rem 0 0; word-break: break-word; }

/* templates */
.wide { max-width: 1600px; }
.locale-nav { display: flex; gap: 0.75rem; flex-wrap: wrap; margin: -0.5rem 0 1rem; font-size: 0.9rem; }
.editor-grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.25rem; }
@media (max-width: 1100px) { .editor-grid { grid-template-columns: 1fr; } }
.preview { background: #f7f8fa; border: 1px solid var(--border); border-radius: var(--radius); padding: 0.85rem; min-width: 0; }
.preview-label { margin: 0 0 0.4rem; font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); font-weight: 650; }
.preview-subject { margin: 0 0 0.6rem; padding: 0.5rem 0.7rem; background: #fff; border: 1px solid var(--border); border-radius: 6px; overflow-wrap: anywhere; }
.preview-frame, .email-frame { width: 100%; height: 460px; border: 1px solid var(--border); border-radius: 6px; background: #fff; display: block; }
.email-frame { height: 640px; }
.preview-text pre, .email-text { white-space: pre-wrap; word-break: break-word; background: #fff; border: 1px solid var(--border); border-radius: 6px; padding: 0.75rem; margin: 0.5rem 0 0; max-height: 360px; overflow: auto; font-size: 0.82rem; }
.preview-text summary { cursor: pointer; margin-top: 0.6rem; font-weight: 600; font-size: 0.88rem; }
.preview-error, .preview-warning { margin: 0 0 0.6rem; padding: 0.5rem 0.7rem; border-radius: 6px; font-size: 0.88rem; }
.preview-error { background: var(--bad-bg); color: var(--bad); }
.preview-warning { background: var(--warn-bg); color: var(--warn); }
.picker summary { cursor: pointer; list-style: none; display: flex; align-items: baseline; gap: 0.75rem; flex-wrap: wrap; }
.picker summary::-webkit-details-marker { display: none; }
.picker summary::before { content: "▸"; color: var(--muted); }
.picker[open] summary::before { content: "▾"; }
.picker summary h2 { display: inline; margin: 0; padding: 0; border: 0; }
.picker-groups { display: grid; grid-template-columns: 1fr 2fr; gap: 1.25rem; margin-top: 0.9rem; }
@media (max-width: 900px) { .picker-groups { grid-template-columns: 1fr; } }
.chips { list-style: none; display: flex; flex-wrap: wrap; gap: 0.35rem; margin: 0; padding: 0; }
.chip { display: inline-block; font-family: var(--mono); font-size: 0.78rem; padding: 0.2rem 0.5rem; border-radius: 5px; background: var(--brand-soft); color: var(--brand-dark); border: 1px solid #d3defb; }
button.chip { cursor: pointer; }
button.chip:hover { background: #dfe8ff; }
.inline-form { display: flex; gap: 1rem; align-items: flex-end; flex-wrap: wrap; }
.inline-form .field { margin: 0; }
.field-button { align-self: flex-end; }

/* documents */
.doc-head { display: flex; justify-content: space-between; align-items: center; gap: 1rem; margin-bottom: 1rem; flex-wrap: wrap; }
.doc-head .badges .badge { font-size: 0.85rem; }
.doc-grid { display: grid; grid-template-columns: 3fr 2fr; gap: 1rem; }
@media (max-width: 1000px) { .doc-grid { grid-template-columns: 1fr; } }
ol.timeline { list-style: none; margin: 0; padding: 0; }
ol.timeline li { display: grid; grid-template-columns: 13rem 1fr; gap: 1rem; padding: 0.5rem 0; border-bottom: 1px solid var(--border); }
ol.timeline li:last-child { border-bottom: 0; }
.tl-time { color: var(--muted); font-size: 0.88rem; }
.confirm { max-width: 46rem; }

/* sign-in */
.bare-body { background: linear-gradient(180deg, #111827 0, #1e293b 40vh, var(--bg) 40vh); min-height: 100vh; }
.bare { display: grid; place-items: center; min-height: 100vh; padding: 1rem; }
.signin { width: 100%; max-width: 400px; background: #fff; border-radius: 12px; padding: 2rem; box-shadow: 0 10px 30px rgba(15,23,42,.18); }
.signin .brand { color: var(--text); margin-bottom: 1.25rem; }
.signin h1 { font-size: 1.35rem; margin-bottom: 0.25rem; }
.signin .btn-primary { width: 100%; justify-content: center; padding: 0.65rem; margin-top: 0.5rem; }
.signin .brand-sub { color: var(--muted); }
`;

export const ADMIN_JS = `(function () {
  'use strict';
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  function field(form, name) { return form ? form.elements.namedItem(name) : null; }
  function hasValue(el) { return $$('input:not([type=checkbox]), textarea', el).some(function (i) { return i.value.trim() !== ''; }); }

  // Errors: move focus to the summary so screen readers and keyboards start there.
  var summary = document.querySelector('[data-focus-on-load]');
  if (summary) summary.focus();

  // Dependent fields. data-show-when="x": shown while checkbox x is checked.
  // data-hide-when="x": hidden while x is checked — unless it holds a value (nothing is ever hidden with data in it);
  // a button reveals it again.
  $$('[data-show-when]').forEach(function (el) {
    var box = field(el.closest('form'), el.getAttribute('data-show-when'));
    if (!box) return;
    var sync = function () { el.hidden = !box.checked; };
    box.addEventListener('change', sync); sync();
  });
  $$('[data-hide-when]').forEach(function (el) {
    var box = field(el.closest('form'), el.getAttribute('data-hide-when'));
    if (!box) return;
    var reveal = document.createElement('button');
    reveal.type = 'button'; reveal.className = 'btn btn-small btn-secondary reveal';
    reveal.textContent = '+ ' + (el.getAttribute('data-reveal-label') || 'Show');
    el.parentNode.insertBefore(reveal, el.nextSibling);
    var forced = false;
    var sync = function () {
      var hide = box.checked && !forced && !hasValue(el);
      el.hidden = hide; reveal.hidden = !hide;
    };
    reveal.addEventListener('click', function () { forced = true; sync(); var i = el.querySelector('textarea, input'); if (i) i.focus(); });
    box.addEventListener('change', function () { forced = false; sync(); });
    sync();
  });

  // Templates: placeholder picker inserts {{name}} into the field that last had focus.
  var form = document.querySelector('form[data-live-preview]');
  if (!form) return;
  var target = null;
  form.addEventListener('focusin', function (e) {
    var t = e.target;
    if (t && t.closest && t.closest('.ph-target') && (t.tagName === 'TEXTAREA' || t.tagName === 'INPUT')) target = t;
  });
  $$('code.chip[data-insert]').forEach(function (code) {
    var b = document.createElement('button');
    b.type = 'button'; b.className = 'chip'; b.textContent = code.textContent;
    b.setAttribute('data-insert', code.getAttribute('data-insert'));
    b.title = (code.title ? code.title + ' — ' : '') + 'click to insert';
    b.addEventListener('click', function () {
      var t = target || form.querySelector('.ph-target textarea');
      if (!t) return;
      var text = b.getAttribute('data-insert');
      var s = t.selectionStart == null ? t.value.length : t.selectionStart;
      var e2 = t.selectionEnd == null ? s : t.selectionEnd;
      t.value = t.value.slice(0, s) + text + t.value.slice(e2);
      t.focus(); t.selectionStart = t.selectionEnd = s + text.length;
      t.dispatchEvent(new Event('input', { bubbles: true }));
    });
    code.replaceWith(b);
  });

  // Live preview: the server renders every locale as the worker would; refreshed while typing.
  var url = form.getAttribute('data-live-preview');
  var timer = null, seq = 0;
  function refresh() {
    var mine = ++seq;
    var body = new URLSearchParams(new FormData(form));
    body.delete('_op');
    fetch(url, { method: 'POST', body: body, credentials: 'same-origin', headers: { 'accept': 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(new Error('preview failed: ' + r.status)); })
      .then(function (data) {
        if (mine !== seq) return;
        Object.keys(data.previews || {}).forEach(function (locale) {
          var p = data.previews[locale];
          var pane = document.querySelector('[data-preview-locale="' + locale + '"]');
          if (!pane) return;
          pane.querySelector('[data-part=subject]').textContent = p.empty ? '' : p.subject;
          var frame = pane.querySelector('[data-part=html]');
          var html = p.empty ? '<p style="font-family:sans-serif;color:#6b7280">Nothing to preview yet.</p>' : p.html;
          if (frame.getAttribute('srcdoc') !== html) frame.setAttribute('srcdoc', html);
          pane.querySelector('[data-part=text]').textContent = p.text;
          var problem = pane.querySelector('[data-part=problem]');
          problem.textContent = '';
          if (p.error || p.warning) {
            var el = document.createElement('p');
            el.className = p.error ? 'preview-error' : 'preview-warning';
            var strong = document.createElement('strong');
            strong.textContent = p.error ? 'Cannot render: ' : 'Will not save: ';
            el.appendChild(strong); el.appendChild(document.createTextNode(p.error || p.warning));
            problem.appendChild(el);
          }
        });
      })
      .catch(function () { /* the Preview button still works */ });
  }
  form.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(refresh, 300); });
  var btn = form.querySelector('[data-preview-button]');
  if (btn) btn.addEventListener('click', function (e) { e.preventDefault(); refresh(); });
})();
`;
