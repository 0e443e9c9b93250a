/* Reports: draws the charts the server described in #report-charts (json_script).
   Every label and number arrives translated and formatted; this file only picks the
   chart type. ECharts draws on a canvas with the page's font, so Chinese labels use the
   same CJK font as the text around them. */
(function () {
  "use strict";

  var source = document.getElementById("report-charts");
  if (!source || !window.echarts) return;
  var spec = JSON.parse(source.textContent);
  var font = window.getComputedStyle(document.body).fontFamily;
  var instances = [];

  function base(chart) {
    return {
      textStyle: { fontFamily: font },
      tooltip: { trigger: chart.kind === "heatmap" ? "item" : "axis" },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      animation: false
    };
  }

  function heatmap(chart) {
    var option = base(chart);
    option.grid.bottom = 56;
    option.xAxis = { type: "category", data: chart.x, splitArea: { show: true } };
    option.yAxis = { type: "category", data: chart.y, inverse: true, splitArea: { show: true } };
    option.visualMap = {
      min: 0, max: Math.max(chart.max, 1), calculable: false, orient: "horizontal",
      left: "center", bottom: 0, itemHeight: 120, inRange: { color: ["#f4f6f9", "#2454d6"] }
    };
    option.series = [{ name: chart.series, type: "heatmap", data: chart.data }];
    return option;
  }

  function bars(chart) {
    var option = base(chart);
    option.xAxis = { type: "category", data: chart.x, axisLabel: { interval: 0, hideOverlap: true } };
    option.yAxis = { type: "value", minInterval: 1 };
    option.series = [{
      name: chart.series, type: chart.kind === "line" ? "line" : "bar", data: chart.data,
      itemStyle: { color: "#2454d6" }
    }];
    return option;
  }

  spec.charts.forEach(function (chart) {
    var element = document.querySelector('[data-chart="' + chart.id + '"]');
    if (!element) return;
    var instance = window.echarts.init(element, null, { locale: spec.locale, renderer: "canvas" });
    instance.setOption(chart.kind === "heatmap" ? heatmap(chart) : bars(chart));
    instances.push(instance);
  });

  window.addEventListener("resize", function () {
    instances.forEach(function (instance) { instance.resize(); });
  });
})();
