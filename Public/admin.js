// Progressive enhancement only: every page works without this file.
(function () {
  // Ask before destructive actions (deactivate, revoke, release).
  document.addEventListener("submit", function (event) {
    var button = event.submitter || event.target.querySelector("[data-confirm]");
    var question = button && button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  // "Open pool: everyone is a member" holds only while no member is ticked.
  document.addEventListener("change", function (event) {
    var members = event.target.closest && event.target.closest("[data-members]");
    var hint = members && members.querySelector("[data-open-hint]");
    if (hint) { hint.hidden = members.querySelector("input[type=checkbox]:checked") !== null; }
  });
  // Show dates in the browser's time zone: the server reads this cookie.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("gh_tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "gh_tz=" + encodeURIComponent(zone) + "; path=/admin; SameSite=Strict; max-age=31536000";
    }
  } catch (e) { /* older browsers keep the team's time zone */ }
})();
