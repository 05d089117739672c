// Live traffic: refresh the table body every two seconds with the same filters. Plain JavaScript, no framework.
(function () {
  const section = document.getElementById("traffic");
  const live = document.getElementById("live");
  if (!section || !section.dataset.rowsUrl) return;
  async function refresh() {
    if (!live.checked) return;
    try {
      const response = await fetch(section.dataset.rowsUrl, {credentials: "same-origin"});
      if (response.ok) document.getElementById("traffic-rows").innerHTML = await response.text();
    } catch (error) {
      // The hub may be restarting; try again on the next tick.
    }
  }
  setInterval(refresh, 2000);
})();
