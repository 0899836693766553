// The triage queue refreshes itself every minute, unless the doctor turned that off (the
// checkbox, remembered in this browser) or is in the middle of something: focus on a control,
// or text selected. A timed reload the user cannot stop fails WCAG 2.2.1 (axe: meta-refresh).
(function () {
  var box = document.getElementById("auto-refresh");
  if (!box) return;
  var KEY = "neocare.triage.autoRefresh";
  box.checked = localStorage.getItem(KEY) !== "off";
  box.addEventListener("change", function () {
    localStorage.setItem(KEY, box.checked ? "on" : "off");
  });
  setInterval(function () {
    var busy = document.activeElement && document.activeElement !== document.body;
    if (box.checked && !busy && !String(window.getSelection())) window.location.reload();
  }, 60000);
})();
