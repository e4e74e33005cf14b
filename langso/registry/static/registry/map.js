/* The registry map: MapLibre GL over our own vector tiles, one source per layer.
 *
 * Tiles are scoped on the server to the signed-in user; below a layer's cluster zoom
 * they carry grid clusters (a `count` property) instead of rows. No internet tile server
 * is needed: without a configured basemap the style is a plain background, with the
 * administrative units drawn as context. Popups show a row's code and a link to its
 * page (the page itself checks the scope). Plain ES2017, no build step.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("map-config").textContent);
  var controls = document.getElementById("map-controls");
  // The form only filters the map: Enter in it must not send it anywhere.
  controls.addEventListener("submit", function (event) { event.preventDefault(); });
  // Each layer's colour, from its declaration: set through the DOM, which the
  // Content-Security-Policy allows where it refuses style attributes in the page.
  controls.querySelectorAll(".swatch[data-color]").forEach(function (swatch) {
    swatch.style.background = swatch.dataset.color;
  });
  // On a phone the map comes first; the layer list opens on demand.
  if (window.matchMedia("(max-width: 48rem)").matches) controls.closest("details").open = false;
  var layersByName = {};
  config.layers.forEach(function (layer) { layersByName[layer.name] = layer; });

  var blankStyle = {
    version: 8,
    sources: {},
    layers: [{ id: "background", type: "background", paint: { "background-color": "#eef2ef" } }],
  };

  var map = new maplibregl.Map({
    container: "map",
    style: config.basemap || blankStyle,
    bounds: config.bounds,
    fitBoundsOptions: { padding: 24 },
    maxZoom: 19,
    attributionControl: { compact: true },
  });
  // Tests and the browser console reach the map here.
  window.langsoMap = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }));

  function filterQuery(name) {
    var params = new URLSearchParams();
    controls.querySelectorAll('select[data-layer="' + name + '"]').forEach(function (select) {
      if (select.value) params.set(select.dataset.filter, select.value);
    });
    return params.toString();
  }

  function tileUrl(name) {
    var url = config.tiles.replace("{layer}", name);
    var query = filterQuery(name);
    // Absolute: MapLibre fetches tiles from a worker, which resolves no relative URL.
    return new URL(url, window.location.href).href.replace(/%7B/g, "{").replace(/%7D/g, "}") +
      (query ? "?" + query : "");
  }

  function vectorSource(name) {
    return { type: "vector", tiles: [tileUrl(name)], minzoom: 0, maxzoom: 16 };
  }

  function addUnits() {
    var name = config.units.name;
    map.addSource(name, vectorSource(name));
    var polygon = ["==", ["geometry-type"], "Polygon"];
    map.addLayer({
      id: name + "-fill", type: "fill", source: name, "source-layer": name, filter: polygon,
      paint: { "fill-color": "#ffffff", "fill-opacity": 0.55 },
    });
    map.addLayer({
      id: name + "-line", type: "line", source: name, "source-layer": name, filter: polygon,
      paint: { "line-color": "#6b6b6b", "line-width": 1.2 },
    });
    map.addLayer({
      id: name + "-point", type: "circle", source: name, "source-layer": name,
      filter: ["==", ["geometry-type"], "Point"],
      paint: {
        "circle-radius": 3, "circle-color": "#ffffff",
        "circle-stroke-color": "#6b6b6b", "circle-stroke-width": 1.5,
      },
    });
  }

  function addRegistry(layer) {
    var name = layer.name;
    map.addSource(name, vectorSource(name));
    map.addLayer({
      id: name + "-clusters", type: "circle", source: name, "source-layer": name,
      filter: ["has", "count"],
      paint: {
        // A pale disc with a ring, whose area grows with the count (2 → 9 px, 100 →
        // 20 px, 10,000 → 34 px), so that a group never reads as a single row.
        "circle-radius": ["interpolate", ["linear"], ["sqrt", ["get", "count"]],
          1.4, 9, 10, 20, 100, 34],
        "circle-color": layer.color,
        "circle-opacity": 0.35,
        "circle-stroke-color": layer.color,
        "circle-stroke-width": 2,
      },
    });
    map.addLayer({
      id: name + "-points", type: "circle", source: name, "source-layer": name,
      filter: ["!", ["has", "count"]],
      paint: {
        "circle-radius": 5, "circle-color": layer.color,
        "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5,
      },
    });
  }

  function styleLayerIds(name) {
    if (name === config.units.name) return [name + "-fill", name + "-line", name + "-point"];
    return [name + "-clusters", name + "-points"];
  }

  function clickableIds() {
    var ids = [];
    config.layers.forEach(function (layer) { ids = ids.concat(styleLayerIds(layer.name)); });
    return ids;
  }

  function element(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function popupContent(feature) {
    var layer = layersByName[feature.source];
    var props = feature.properties;
    var box = element("div");
    box.className = "map-popup";
    box.appendChild(element("h3", layer.title));
    if (props.count !== undefined) {
      box.appendChild(element("p", config.text.cluster.replace("%s", props.count)));
      return box;
    }
    var list = element("dl");
    Object.keys(layer.properties).forEach(function (key) {
      var value = props[key];
      if (value === undefined || value === null || value === "") return;
      var labels = layer.values[key];
      if (labels && labels[value] !== undefined) value = labels[value];
      if (value === true) value = "✓";
      if (value === false) value = "✗";
      list.appendChild(element("dt", layer.properties[key]));
      list.appendChild(element("dd", value));
    });
    box.appendChild(list);
    if (layer.detail) {
      var link = element("a", config.text.detail);
      link.href = layer.detail
        .replace("{code}", encodeURIComponent(props.code || ""))
        .replace("{id}", encodeURIComponent(feature.id));
      var p = element("p");
      p.appendChild(link);
      box.appendChild(p);
    }
    return box;
  }

  map.on("load", function () {
    addUnits();
    config.layers.forEach(addRegistry);
    var ids = clickableIds();

    map.on("click", function (event) {
      var found = map.queryRenderedFeatures(event.point, { layers: ids });
      if (!found.length) return;
      var feature = found[0];
      if (feature.properties.count !== undefined && feature.properties.count > 1) {
        map.easeTo({ center: event.lngLat, zoom: Math.min(map.getZoom() + 2, 19) });
      }
      new maplibregl.Popup({ maxWidth: "18rem" })
        .setLngLat(event.lngLat)
        .setDOMContent(popupContent(feature))
        .addTo(map);
    });
    ids.forEach(function (id) {
      map.on("mouseenter", id, function () { map.getCanvas().style.cursor = "pointer"; });
      map.on("mouseleave", id, function () { map.getCanvas().style.cursor = ""; });
    });
    updateDownloads();
  });

  controls.addEventListener("change", function (event) {
    var target = event.target;
    var name = target.dataset.layer;
    if (!name || !map.getSource(name)) return;
    if (target.type === "checkbox") {
      styleLayerIds(name).forEach(function (id) {
        map.setLayoutProperty(id, "visibility", target.checked ? "visible" : "none");
      });
    } else {
      map.getSource(name).setTiles([tileUrl(name)]);
      updateDownloads();
    }
  });

  // "Download GeoJSON of the area in view": the endpoint takes the same filters.
  function updateDownloads() {
    var b = map.getBounds();
    var bbox = [
      Math.max(b.getWest(), -180), Math.max(b.getSouth(), -90),
      Math.min(b.getEast(), 180), Math.min(b.getNorth(), 90),
    ].map(function (v) { return v.toFixed(5); }).join(",");
    controls.querySelectorAll("a.geojson").forEach(function (link) {
      var name = link.dataset.layer;
      var query = filterQuery(name);
      link.href = config.geojson + "?layer=" + encodeURIComponent(name) + "&bbox=" + bbox +
        (query ? "&" + query : "");
    });
  }
  map.on("moveend", updateDownloads);
})();
