/* The admin page's progressive enhancement: live template previews, placeholder insertion, dependent fields, focusing the error summary. Every page works without it. */
(function () {
  'use strict';
  var $$ = function (sel, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(sel));
  };
  function field(form, name) {
    return form ? form.elements.namedItem(name) : null;
  }
  function hasValue(el) {
    return $$('input:not([type=checkbox]), textarea', el).some(function (i) {
      return i.value.trim() !== '';
    });
  }

  // Errors: move focus to the summary so screen readers and keyboards start there.
  var summary = document.querySelector('[data-focus-on-load]');
  if (summary) summary.focus();

  // Dependent fields. data-show-when="x": shown while checkbox x is checked.
  // data-hide-when="x": hidden while x is checked — unless it holds a value (nothing is ever hidden with data in it);
  // a button reveals it again.
  $$('[data-show-when]').forEach(function (el) {
    var box = field(el.closest('form'), el.getAttribute('data-show-when'));
    if (!box) return;
    var sync = function () {
      el.hidden = !box.checked;
    };
    box.addEventListener('change', sync);
    sync();
  });
  $$('[data-hide-when]').forEach(function (el) {
    var box = field(el.closest('form'), el.getAttribute('data-hide-when'));
    if (!box) return;
    var reveal = document.createElement('button');
    reveal.type = 'button';
    reveal.className = 'btn btn-small btn-secondary reveal';
    reveal.textContent = '+ ' + (el.getAttribute('data-reveal-label') || 'Show');
    el.parentNode.insertBefore(reveal, el.nextSibling);
    var forced = false;
    var sync = function () {
      var hide = box.checked && !forced && !hasValue(el);
      el.hidden = hide;
      reveal.hidden = !hide;
    };
    reveal.addEventListener('click', function () {
      forced = true;
      sync();
      var i = el.querySelector('textarea, input');
      if (i) i.focus();
    });
    box.addEventListener('change', function () {
      forced = false;
      sync();
    });
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
    b.type = 'button';
    b.className = 'chip';
    b.textContent = code.textContent;
    b.setAttribute('data-insert', code.getAttribute('data-insert'));
    b.title = (code.title ? code.title + ' — ' : '') + 'click to insert';
    b.addEventListener('click', function () {
      var t = target || form.querySelector('.ph-target textarea');
      if (!t) return;
      var text = b.getAttribute('data-insert');
      var s = t.selectionStart == null ? t.value.length : t.selectionStart;
      var e2 = t.selectionEnd == null ? s : t.selectionEnd;
      t.value = t.value.slice(0, s) + text + t.value.slice(e2);
      t.focus();
      t.selectionStart = t.selectionEnd = s + text.length;
      t.dispatchEvent(new Event('input', { bubbles: true }));
    });
    code.replaceWith(b);
  });

  // Live preview: the server renders every locale as the worker would; refreshed while typing.
  var url = form.getAttribute('data-live-preview');
  var timer = null,
    seq = 0;
  function refresh() {
    var mine = ++seq;
    var body = new URLSearchParams(new FormData(form));
    body.delete('_op');
    fetch(url, { method: 'POST', body: body, credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) {
        return r.ok ? r.json() : Promise.reject(new Error('preview failed: ' + r.status));
      })
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
            el.appendChild(strong);
            el.appendChild(document.createTextNode(p.error || p.warning));
            problem.appendChild(el);
          }
        });
      })
      .catch(function () {
        /* the Preview button still works */
      });
  }
  form.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  var btn = form.querySelector('[data-preview-button]');
  if (btn)
    btn.addEventListener('click', function (e) {
      e.preventDefault();
      refresh();
    });
})();
