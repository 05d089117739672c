// Live traffic: refresh the table body every two seconds with the same filters. Plain JavaScript, no framework.
(function () {
  const section = document.getElementById("traffic");
  const live = document.getElementById("live");
  if (!section || !section.dataset.rowsUrl) return;
  let timer = null;
  async function refresh() {
    if (!live.checked || document.hidden) return;
    try {
      const response = await fetch(section.dataset.rowsUrl, {credentials: "same-origin", redirect: "manual"});
      if (response.ok) {
        document.getElementById("traffic-rows").innerHTML = await response.text();
      } else if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        clearInterval(timer);  // signed out: stop rather than show the sign-in page in the table
        live.checked = false;
      }
    } catch (error) {
      // The hub may be restarting; try again on the next tick.
    }
  }
  timer = setInterval(refresh, 2000);
})();
