/* The dashboard's choropleth: MapLibre GL over the platform's own units tiles (the
 * registry map's `units` source: imported boundaries in the `units` layer, the
 * approximate areas of units with none in the `approx` layer, centres of the others as
 * points), each unit of the level mapped filled with the colour of its class. The
 * values come with the page (`choropleth-config`: colour, label and drill-down link by
 * unit id) and are joined to the tiles' features by their id, which is the unit's id,
 * through `match` expressions: no geometry is sent twice.
 *
 * A click on a unit opens the map of its sub-units (province → communes → villages);
 * a village shows its value in a popup. The legend and the table are the page's own
 * HTML; colours reach them through data-color (the Content-Security-Policy refuses
 * style attributes in the page). Plain ES2017, no build step.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("choropleth-config").textContent);
  document.querySelectorAll(".legend-area[data-color]").forEach(function (swatch) {
    swatch.style.background = swatch.dataset.color;
  });

  var TRANSPARENT = "rgba(0, 0, 0, 0)";
  // Which units the tiles carry at a zoom (registry/maps/layers.py, unit_levels_at):
  // provinces below 7, communes from 7, villages from 12. The map stays where the
  // mapped level is drawn.
  var ZOOMS = { province: [0, 6.99], commune: [7, 19], village: [12, 19] };

  var ids = Object.keys(config.units).map(Number);
  var byColor = {};
  ids.forEach(function (id) {
    var color = config.units[id].color;
    (byColor[color] = byColor[color] || []).push(id);
  });

  function fillColor() {
    var colors = Object.keys(byColor);
    if (!colors.length) return TRANSPARENT;
    var match = ["match", ["id"]];
    colors.forEach(function (color) { match.push(byColor[color], color); });
    return match.concat([TRANSPARENT]);
  }

  // Only the mapped units: neighbours outside the scope, and other levels, stay blank.
  function mapped(kind) {
    var filter = ["all", ["==", ["get", "level"], config.level],
      ["in", ["id"], ["literal", ids]]];
    if (kind) filter.push(["==", ["geometry-type"], kind]);
    return filter;
  }

  var zooms = ZOOMS[config.level] || [0, 19];
  var map = new maplibregl.Map({
    container: "choropleth-map",
    style: {
      version: 8,
      sources: {},
      layers: [{ id: "background", type: "background", paint: { "background-color": "#eef2ef" } }],
    },
    bounds: config.bounds,
    fitBoundsOptions: { padding: 16 },
    minZoom: zooms[0],
    maxZoom: zooms[1],
    attributionControl: false,
  });
  // Tests and the browser console reach the map here.
  window.langsoChoropleth = map;

  var LAYERS = ["choropleth-fill", "choropleth-approx-fill", "choropleth-point"];

  map.on("load", function () {
    var source = "units";
    map.addSource(source, { type: "vector", tiles: [config.tiles], minzoom: 0, maxzoom: 16 });
    var color = fillColor();
    map.addLayer({
      id: "choropleth-approx-fill", type: "fill", source: source,
      "source-layer": config.approxLayer, filter: mapped(),
      paint: { "fill-color": color, "fill-opacity": 0.85 },
    });
    map.addLayer({
      id: "choropleth-approx-line", type: "line", source: source,
      "source-layer": config.approxLayer, filter: mapped(),
      paint: { "line-color": "#4d4d4d", "line-width": 1, "line-dasharray": [3, 2] },
    });
    map.addLayer({
      id: "choropleth-fill", type: "fill", source: source,
      "source-layer": config.unitsLayer, filter: mapped("Polygon"),
      paint: { "fill-color": color, "fill-opacity": 0.85 },
    });
    map.addLayer({
      id: "choropleth-line", type: "line", source: source,
      "source-layer": config.unitsLayer, filter: mapped("Polygon"),
      paint: { "line-color": "#4d4d4d", "line-width": 1 },
    });
    // A unit known by its centre only, where no approximate area is drawn at this zoom.
    map.addLayer({
      id: "choropleth-point", type: "circle", source: source,
      "source-layer": config.unitsLayer, filter: mapped("Point"),
      paint: {
        "circle-radius": 6, "circle-color": color,
        "circle-stroke-color": "#4d4d4d", "circle-stroke-width": 1,
      },
    });

    map.on("click", function (event) {
      var found = map.queryRenderedFeatures(event.point, { layers: LAYERS });
      if (!found.length) return;
      var unit = config.units[found[0].id];
      if (!unit) return;
      if (unit.drill) {
        window.location.assign(unit.drill);
        return;
      }
      var box = document.createElement("div");
      var name = document.createElement("strong");
      name.textContent = unit.name;
      box.appendChild(name);
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(unit.label));
      new maplibregl.Popup({ maxWidth: "16rem" }).setLngLat(event.lngLat).setDOMContent(box).addTo(map);
    });
    LAYERS.forEach(function (id) {
      map.on("mouseenter", id, function () { map.getCanvas().style.cursor = "pointer"; });
      map.on("mouseleave", id, function () { map.getCanvas().style.cursor = ""; });
    });
  });
})();
