/* Command dashboard: draws the epidemic curve from the page's json_script data (ECharts). */
(function () {
  "use strict";
  var holder = document.getElementById("curve");
  var source = document.getElementById("curve-data");
  if (!holder || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = {
    confirmed_new: "#b42318", confirmed_cumulative: "#7f1d1d", confirmed_current: "#d97706",
    cured_cumulative: "#15803d", dead_cumulative: "#374151"
  };
  var series = data.series.map(function (s) {
    return {
      name: s.label,
      type: s.kind,
      data: s.values,
      yAxisIndex: s.kind === "bar" ? 1 : 0,
      showSymbol: false,
      connectNulls: false,
      itemStyle: { color: colours[s.key] },
      lineStyle: s.kind === "line" ? { width: 2 } : undefined
    };
  });
  var chart = echarts.init(holder, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", top: 0 },
    grid: { left: 48, right: 48, top: 40, bottom: 48 },
    xAxis: { type: "category", data: data.dates },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", minInterval: 1, splitLine: { show: false } }],
    dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }],
    series: series
  });
  // Drill down in time: clicking a day opens that day's dashboard.
  chart.on("click", function (params) {
    if (params && params.name) {
      var url = new URL(window.location.href);
      url.searchParams.set("date", params.name);
      window.location.href = url.toString();
    }
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
