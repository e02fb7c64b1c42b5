// Allocation and area-group tables: a filter box over the rows, and (allocations) the sum of
// the values typed, compared with the target as the server does (plans/allocations.py).
(function () {
  "use strict";

  // "1.234", "2,5", "20" as Vietnamese write them (plans.forms.VietnameseDecimalField).
  function parseNumber(text) {
    let t = (text || "").replace(/[\s\u00a0%]/g, "");
    if (!t) return 0;
    if (t.indexOf(",") >= 0) t = t.replace(/\./g, "").replace(",", ".");
    else if (/^-?\d{1,3}(\.\d{3})+$/.test(t)) t = t.replace(/\./g, "");
    const n = Number(t);
    return Number.isFinite(n) ? n : NaN;
  }

  function formatNumber(n) {
    return n.toLocaleString("vi-VN", {maximumFractionDigits: 2});
  }

  const summary = document.getElementById("alloc-summary");
  const form = document.getElementById("alloc-form");
  if (summary && form && form.querySelector("input.alloc-low")) {
    const low = Number(summary.dataset.targetLow);
    const needed = summary.dataset.form === "more_than" ? low + 1 : low;
    const out = document.getElementById("alloc-total-text");
    const update = function () {
      let total = 0, bad = false, filled = 0;
      form.querySelectorAll("input.alloc-low").forEach(function (input) {
        const v = parseNumber(input.value);
        if (input.value.trim()) filled += 1;
        if (Number.isNaN(v)) bad = true; else total += v;
      });
      const units = document.getElementById("alloc-units");
      if (units) units.textContent = units.dataset.text.replace("{n}", filled);
      let text = summary.dataset.text.replace("{a}", bad ? "?" : formatNumber(total)).trim();
      let warn = false;
      if (!bad && summary.dataset.form === "at_most") {
        warn = total > low;
        if (warn) text += summary.dataset.over;
      } else if (!bad && total < needed) {
        warn = true;
        text += summary.dataset.short.replace("{m}", formatNumber(needed - total));
      }
      out.textContent = text;
      summary.classList.toggle("alert-warning", warn || bad);
      summary.classList.toggle("alert-success", !warn && !bad);
    };
    form.addEventListener("input", function (e) {
      if (e.target.classList.contains("alloc-low")) update();
    });
  }

  document.querySelectorAll("input[data-filter-table]").forEach(function (box) {
    const table = document.getElementById(box.dataset.filterTable);
    if (!table) return;
    const fold = function (s) {
      return (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase();
    };
    box.addEventListener("input", function () {
      const q = fold(box.value.trim());
      table.querySelectorAll("tbody tr[data-code]").forEach(function (row) {
        const hit = !q || row.dataset.code.indexOf(q) === 0 || fold(row.dataset.name).indexOf(q) >= 0;
        row.hidden = !hit;
      });
    });
  });
})();
