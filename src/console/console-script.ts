/**
 * The console's own script (served from this origin; the CSP allows no other): shows every
 * `<time datetime>` in the browser's time zone, puts every action's answer in the flash area
 * (htmx 2 swaps no 4xx/5xx answer by itself), keeps a failed refresh from blanking the list,
 * and refreshes the list and overview at once after an action succeeds.
 */
export const CONSOLE_JS = `(function () {
  'use strict';
  var time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  var dated = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  var hour = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

  function localize() {
    var today = new Date().toDateString();
    document.querySelectorAll('time[datetime]').forEach(function (el) {
      var d = new Date(el.getAttribute('datetime'));
      if (isNaN(d.getTime())) return;
      el.textContent = d.toDateString() === today ? time.format(d) : dated.format(d);
    });
    document.querySelectorAll('text[data-hour]').forEach(function (el) {
      var d = new Date(el.getAttribute('data-hour'));
      if (!isNaN(d.getTime())) el.textContent = hour.format(d);
    });
    var tz = document.getElementById('tz');
    if (tz) tz.textContent = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
  }

  function say(id, text) {
    var box = document.getElementById(id);
    if (!box) return;
    var article = document.createElement('article');
    article.className = 'flash error';
    article.textContent = text;
    box.replaceChildren(article);
    box.hidden = false;
  }

  function statusText(xhr) {
    return xhr.status + (xhr.statusText ? ' ' + xhr.statusText : '');
  }

  var isFlash = function (target) { return target && target.id === 'flash'; };

  document.addEventListener('DOMContentLoaded', localize);
  document.addEventListener('htmx:afterSettle', localize);

  document.addEventListener('htmx:beforeSwap', function (e) {
    var d = e.detail;
    if (d.xhr.status < 400) return;
    if (isFlash(d.target) && /^\\s*<article/.test(String(d.serverResponse))) {
      d.shouldSwap = true;
      d.isError = false;
      return;
    }
    d.shouldSwap = false;
    if (isFlash(d.target))
      say('flash', 'The service answered ' + statusText(d.xhr) + ' without saying whether the action was done. Reload the page to see the current state, then try again.');
    else
      say('notice', 'The page could not be refreshed (' + statusText(d.xhr) + '); it shows what it last read.' + (d.xhr.status === 401 ? ' Reload the page and sign in again.' : ' It keeps trying.'));
  });

  document.addEventListener('htmx:sendError', function (e) {
    if (isFlash(e.detail.target))
      say('flash', 'No answer from the service: the action may not have reached it. Check the connection, reload the page to see the current state, then try again.');
    else say('notice', 'The service cannot be reached; the page shows what it last read. It keeps trying.');
  });

  document.addEventListener('htmx:afterRequest', function (e) {
    var d = e.detail;
    if (!d.successful) return;
    if (isFlash(d.target)) document.body.dispatchEvent(new CustomEvent('console-changed'));
    else {
      var notice = document.getElementById('notice');
      if (notice) notice.hidden = true;
    }
  });
})();
`;
