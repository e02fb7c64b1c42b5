// Area pickers: <input data-area-picker="/ban-do/tim/?era=…"> becomes a search-as-you-type list
// (Tom Select, static/vendor/tom-select/) that asks the portal for units whose name holds the
// words typed, with or without diacritics, within the user's scope. The input keeps the chosen
// unit's value (its code, or "code@valid_to" for a unit of the old map); without JavaScript it
// stays a text box that takes a code or a name. data-area-picker-option: the current unit.
(function () {
  if (typeof TomSelect === "undefined") return;
  var lang = document.documentElement.lang || "vi";
  var words = lang.indexOf("en") === 0
    ? {none: "No unit found in your area", more: "Type part of the name or the code", wait: "Searching…"}
    : {none: "Không tìm thấy đơn vị nào trong phạm vi của bạn", more: "Gõ một phần tên hoặc mã", wait: "Đang tìm…"};
  document.querySelectorAll("input[data-area-picker]").forEach(function (input) {
    var url = input.dataset.areaPicker;
    var current = input.dataset.areaPickerOption ? JSON.parse(input.dataset.areaPickerOption) : null;
    if (!current) input.value = "";  // a hand-typed value the server did not recognise
    var picker = new TomSelect(input, {
      maxItems: 1,
      create: false,
      valueField: "value",
      labelField: "text",
      searchField: ["text", "code"],
      diacritics: true,
      options: current ? [current] : [],
      items: current ? [current.value] : [],
      loadThrottle: 250,
      maxOptions: 20,
      shouldLoad: function (query) { return query.trim().length > 0; },
      load: function (query, callback) {
        var sep = url.indexOf("?") < 0 ? "?" : "&";
        fetch(url + sep + "q=" + encodeURIComponent(query), {credentials: "same-origin", headers: {"Accept": "application/json"}})
          .then(function (response) { return response.json(); })
          .then(function (data) { callback(data.results); })
          .catch(function () { callback(); });
      },
      render: {
        option: function (item, escape) {
          return "<div><div>" + escape(item.text) + " <code class=\"small\">" + escape(item.code) + "</code></div>" +
            "<div class=\"small text-muted\">" + escape(item.meta) + "</div></div>";
        },
        item: function (item, escape) {
          return "<div>" + escape(item.text) + (item.until ? " <span class=\"text-muted small\">(" + escape(item.meta) + ")</span>" : "") + "</div>";
        },
        no_results: function () { return "<div class=\"no-results\">" + words.none + "</div>"; },
        not_loading: function () { return "<div class=\"no-results\">" + words.more + "</div>"; },
        loading: function () { return "<div class=\"spinner-border spinner-border-sm m-2\" role=\"status\" aria-label=\"" + words.wait + "\"></div>"; }
      }
    });
    // <form data-area-switch="/tien-do/__code__/">: choosing a unit opens its page, keeping the
    // page's other choices (plan, milestone, date)
    var form = input.closest("form[data-area-switch]");
    if (form) {
      form.classList.remove("d-none");
      picker.on("change", function (value) {
        if (!value) return;
        var parts = value.split("@");
        var params = new URLSearchParams(window.location.search);
        params.delete("hieu_luc");
        if (parts[1]) params.set("hieu_luc", parts[1]);
        var query = params.toString();
        window.location.assign(form.dataset.areaSwitch.replace("__code__", encodeURIComponent(parts[0])) + (query ? "?" + query : ""));
      });
      form.addEventListener("submit", function (event) { event.preventDefault(); });
    }
  });
})();
