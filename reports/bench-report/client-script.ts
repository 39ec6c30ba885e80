// The page's own script (plain JS, inlined): builds every chart from the embedded specs and adds
// what JSON cannot carry: percentile tick labels and number formatting. No animation, so a
// screenshot or a print shows the final picture.
export const CLIENT_SCRIPT = String.raw`
(function () {
  var specs = JSON.parse(document.getElementById('chart-specs').textContent);
  var PCT = { 2: '50%', 10: '90%', 100: '99%', 1000: '99.9%', 10000: 'max' };
  var fmt = function (v) { return Number(v).toLocaleString('en-US', { maximumSignificantDigits: 3 }); };
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';
  specs.forEach(function (spec) {
    var cfg = spec.config;
    var scales = cfg.options.scales || {};
    if (spec.kind === 'percentiles') {
      scales.x.afterBuildTicks = function (axis) { axis.ticks = [2, 10, 100, 1000, 10000].map(function (v) { return { value: v }; }); };
      scales.x.ticks = { callback: function (v) { return PCT[v] || ''; } };
      cfg.options.plugins.tooltip = { callbacks: { label: function (c) { return c.dataset.label + ' ' + PCT[c.parsed.x] + ': ' + fmt(c.parsed.y) + ' ms'; } } };
    }
    ['x', 'y'].forEach(function (k) {
      var s = scales[k];
      if (s && s.type === 'logarithmic' && !(spec.kind === 'percentiles' && k === 'x')) {
        // Label only 1, 2 and 5 of each decade: a log axis with every tick labelled is unreadable.
        s.ticks = { callback: function (v) { var m = v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9)); return [1, 2, 5].some(function (k) { return Math.abs(m - k) < 1e-6; }) ? fmt(v) : ''; } };
      }
    });
    try {
      new Chart(document.getElementById(spec.id), cfg);
    } catch (e) {
      console.error('chart ' + spec.id + ': ' + e.message);
    }
  });
})();
`;
