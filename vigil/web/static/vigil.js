// Vigil's only script of its own: draws the charts whose data the page carries as JSON in a
// <script type="application/json" id="NAME-data"> block (never executed, never HTML), with the
// vendored uPlot. Text from captured pages is never put into the DOM as HTML here.
(function () {
  "use strict";

  function readData(name) {
    var block = document.getElementById(name + "-data");
    if (!block) { return null; }
    try { return JSON.parse(block.textContent); } catch (e) { return null; }
  }

  var COLOURS = ["#1f5f8b", "#b8451f", "#2e7d32", "#6a1b9a", "#c49000", "#00838f", "#ad1457", "#4e342e"];

  function fromZero(u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; }

  function options(el, series, extraAxes) {
    return {
      width: Math.max(320, el.clientWidth || 640),
      height: 240,
      series: [{}].concat(series),
      axes: [{}].concat(extraAxes || [{}]),
      scales: {
        // one point in time: a week either side, not uPlot's default span of years
        x: { time: true, range: function (u, min, max) { return min === max ? [min - 604800, max + 604800] : [min, max]; } },
        avail: { range: [0, 1.05] },
        // counts and prices start at zero, so a change reads at its true size
        y: { range: fromZero },
        eur: { range: fromZero }
      }
    };
  }

  function draw(el) {
    if (typeof window.uPlot !== "function") { return; }
    var kind = el.getAttribute("data-chart");
    var data = readData(kind);
    if (!data || !data.t || data.t.length === 0) {
      el.textContent = "No data to chart yet.";
      return;
    }
    if (kind === "history") {
      new window.uPlot(options(el, [
        { label: "price EUR", stroke: COLOURS[0], width: 2, scale: "eur" },
        { label: "available", stroke: COLOURS[1], width: 1, scale: "avail", paths: window.uPlot.paths.stepped({ align: 1 }) }
      ], [{ scale: "eur" }, { scale: "avail", side: 1, grid: { show: false } }]), [data.t, data.eur, data.available], el);
    } else if (kind === "activity") {
      new window.uPlot(options(el, [{ label: "listings seen", stroke: COLOURS[0], width: 2 }]), [data.t, data.listings], el);
    } else if (kind === "trend") {
      var series = data.series.map(function (s, i) {
        return { label: String(s.label), stroke: COLOURS[i % COLOURS.length], width: 2 };
      });
      new window.uPlot(options(el, series), [data.t].concat(data.series.map(function (s) { return s.values; })), el);
    }
  }

  // A facet checkbox runs the search at once (without script, the Search button does).
  function autoSubmit() {
    var form = document.getElementById("search-form");
    if (!form) { return; }
    form.addEventListener("change", function (event) {
      if (event.target.closest && event.target.closest("fieldset.facet")) { form.submit(); }
    });
  }

  function init() {
    var charts = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < charts.length; i++) { draw(charts[i]); }
    autoSubmit();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
