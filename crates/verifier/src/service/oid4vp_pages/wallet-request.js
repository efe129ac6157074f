// The waiting page of a wallet request (issue #17): polls the request's state and reloads the
// page once the wallet answered or the request expired. Without JavaScript the page refreshes
// itself (<noscript> meta refresh) and has a "check now" link instead.
'use strict';
(function () {
  var el = document.getElementById('waiting');
  if (!el) return;
  var url = el.getAttribute('data-state-url');
  var delay = 1500;
  function again(ms) {
    window.setTimeout(tick, ms);
  }
  function tick() {
    fetch(url, { cache: 'no-store', credentials: 'same-origin' })
      .then(function (r) {
        if (r.status === 404) return { state: 'gone' };
        return r.ok ? r.json() : null;
      })
      .then(
        function (s) {
          if (s && s.state && s.state !== 'pending') {
            window.location.reload();
          } else {
            again(delay);
          }
        },
        function () {
          again(delay * 3);
        }
      );
  }
  again(delay);
})();
