// xuncha: the only script of our own. No inline script anywhere (the Content-Security-Policy forbids it).
"use strict";

// Every htmx request carries the session's CSRF token.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRF-Token"] = meta.getAttribute("content"); }
});

// Charts and relationship graphs: <div class="chart" data-chart-url="/…/chart.json"></div>.
// The URL answers with an ECharts option object built on the server.
function drawCharts(root) {
  if (typeof echarts === "undefined") { return; }
  root.querySelectorAll("[data-chart-url]").forEach(function (el) {
    if (el.dataset.drawn) { return; }
    el.dataset.drawn = "1";
    fetch(el.dataset.chartUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (option) {
        var chart = echarts.init(el, null, { renderer: "svg" });
        chart.setOption(option);
        window.addEventListener("resize", function () { chart.resize(); });
      })
      .catch(function () { el.textContent = el.dataset.chartError || "图表加载失败 / chart failed to load"; });
  });
}

// Confirmation for irreversible actions: <button data-confirm="…">.
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) { event.preventDefault(); }
});

// Back to the form after a refused submission: <button data-back>. The browser restores the
// form's page with the values typed into it.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-back]")) { event.preventDefault(); window.history.back(); }
});

document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });
