// The asset map on tiles, when the server names a tile server. Without
// it, or when tiles cannot be reached, the plain SVG map stays.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("asset-map");
  var dataEl = document.getElementById("asset-data");
  if (!el || !dataEl || typeof L === "undefined") { return; }
  var points = JSON.parse(dataEl.textContent || "[]");
  if (!points.length) { return; }
  var plain = document.getElementById("asset-plain");
  el.hidden = false;
  var map = L.map(el);
  var failed = false;
  var tiles = L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution });
  tiles.on("tileerror", function () {
    if (failed) { return; }
    failed = true;
    el.hidden = true;
    if (plain) { plain.hidden = false; }
  });
  tiles.on("load", function () { if (plain && !failed) { plain.hidden = true; } });
  tiles.addTo(map);
  var bounds = [];
  points.forEach(function (p) {
    L.circleMarker([p.lat, p.lng], { radius: 8 }).addTo(map).bindTooltip(p.n + ". " + p.name);
    bounds.push([p.lat, p.lng]);
  });
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
});
