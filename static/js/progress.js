// The progress page: % of target chart, and sortable breakdown table.
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const canvas = document.getElementById("progress-chart");
  if (canvas && window.Chart && data.labels.length) {
    new Chart(canvas, {
      type: "bar",
      data: {labels: data.labels, datasets: [{label: "% mục tiêu", data: data.percent,
        backgroundColor: data.colours}]},  // the status badges' colours (reporting.rollup.STATUS_COLOURS)
      options: {indexAxis: "y", animation: false, plugins: {legend: {display: false},
        tooltip: {callbacks: {label: c => (c.raw === null ? "—" : c.raw + " %") + " · " + data.statuses[c.dataIndex]}}},
        scales: {x: {min: 0, suggestedMax: 120, ticks: {callback: v => v + " %"}}}}
    });
  }
  const table = document.getElementById("children-table");
  if (!table) return;
  table.querySelectorAll("th[data-sort]").forEach((th, index) => {
    th.addEventListener("click", () => {
      const body = table.tBodies[0];
      const rows = Array.from(body.rows);
      const numeric = th.dataset.sort === "num";
      const dir = th.dataset.dir === "asc" ? -1 : 1;
      th.dataset.dir = dir === 1 ? "asc" : "desc";
      rows.sort((a, b) => {
        const x = numeric ? parseFloat(a.cells[index].dataset.value || "-1") : a.cells[index].innerText;
        const y = numeric ? parseFloat(b.cells[index].dataset.value || "-1") : b.cells[index].innerText;
        return (numeric ? x - y : x.localeCompare(y, "vi")) * dir;
      });
      rows.forEach(r => body.appendChild(r));
    });
  });
})();
