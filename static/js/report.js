// The report form: the percentage of each ratio, recomputed as the user types (never typed itself).
(function () {
  function num(text) {
    text = (text || "").replace(/\s/g, "");
    if (text.indexOf(",") >= 0) { text = text.replace(/\./g, "").replace(",", "."); }
    else if (/^\d{1,3}(\.\d{3})+$/.test(text)) { text = text.replace(/\./g, ""); }
    return text === "" ? NaN : Number(text);
  }
  document.querySelectorAll("#report-figures tr[data-ratio]").forEach(function (row) {
    var inputs = row.querySelectorAll("input"), out = row.querySelector(".percent");
    function update() {
      var n = num(inputs[0].value), d = num(inputs[1].value);
      out.textContent = (d > 0 && n >= 0) ? (n * 100 / d).toFixed(2).replace(".", ",") + " %" : "";
    }
    inputs.forEach(function (i) { i.addEventListener("input", update); });
  });
})();
