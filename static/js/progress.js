// The progress page: % of target chart, trend chart, and the sortable breakdown table.
// Data from the <script type="application/json" id="chart-data"> island (reporting/progress_views.py).
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const canvas = document.getElementById("progress-chart");
  if (canvas && window.Chart && data.labels.length) {
    new Chart(canvas, {
      type: "bar",
      data: {labels: data.labels, datasets: [{label: "% mục tiêu", data: data.percent,
        backgroundColor: data.colours}]},  // the status badges' colours (reporting.rollup.STATUS_COLOURS)
      options: {indexAxis: "y", animation: false, maintainAspectRatio: false,
        plugins: {legend: {display: false},
          tooltip: {callbacks: {title: items => data.names[items[0].dataIndex],
            label: c => (c.raw === null ? "—" : c.raw + " %") + " · " + data.statuses[c.dataIndex]}}},
        scales: {x: {min: 0, suggestedMax: 120, ticks: {callback: v => v + " %"}}}}
    });
  }
  // The trend: counts on the left axis, ratios (%) dashed on the right one.
  const trend = document.getElementById("trend-chart");
  if (trend && window.Chart && data.trend && data.trend.periods.length) {
    const palette = ["#a4164a", "#0b5ed7", "#198754", "#b35c00", "#6f42c1", "#0a7a8a", "#5c636a",
      "#d63384", "#20603d", "#8a6d00", "#343a40"];
    const series = data.trend.series.filter(s => s.values.some(v => v !== null));
    const hasRatio = series.some(s => s.ratio);
    new Chart(trend, {
      type: "line",
      data: {labels: data.trend.periods, datasets: series.map((s, i) => ({
        label: s.label + (s.ratio ? " (%)" : ""), data: s.values, spanGaps: true,
        borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length],
        borderDash: s.ratio ? [6, 4] : [], yAxisID: s.ratio ? "pct" : "y"}))},
      options: {animation: false, maintainAspectRatio: false,
        plugins: {legend: {position: "bottom", labels: {boxWidth: 12}}},
        scales: {y: {beginAtZero: true, position: "left"},
          pct: {display: hasRatio, beginAtZero: true, suggestedMax: 100, position: "right",
            grid: {drawOnChartArea: false}, ticks: {callback: v => v + " %"}}}}
    });
  }
  const table = document.getElementById("children-table");
  if (!table) return;
  const headers = Array.from(table.tHead.rows[0].cells);
  headers.forEach((th, index) => {
    const button = th.querySelector("button[data-sort]");
    if (!button) return;
    button.addEventListener("click", () => {   // a <button>: Enter and Space work too
      const body = table.tBodies[0];
      const rows = Array.from(body.rows);
      const numeric = button.dataset.sort === "num";
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach(other => other.setAttribute("aria-sort", "none"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const dir = ascending ? 1 : -1;
      rows.sort((a, b) => {
        const x = numeric ? parseFloat(a.cells[index].dataset.value || "-1") : a.cells[index].innerText;
        const y = numeric ? parseFloat(b.cells[index].dataset.value || "-1") : b.cells[index].innerText;
        return (numeric ? x - y : x.localeCompare(y, "vi")) * dir;
      });
      rows.forEach(r => body.appendChild(r));
    });
  });
})();
