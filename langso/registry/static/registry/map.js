/* The registry map: MapLibre GL over our own vector tiles, one source per layer.
 *
 * Tiles are scoped on the server to the signed-in user; below a layer's cluster zoom
 * they carry grid clusters (a `count` property) instead of rows. No internet tile server
 * is needed: without a configured basemap (MAP_BASEMAP_STYLE_URL) the style is a plain
 * background; a basemap that fails to load falls back to it, with a notice. With or
 * without one, the administrative units are drawn from our own tiles: imported
 * boundaries solid, approximate cells (the `approx` layer) dashed, names as labels.
 *
 * Names and cluster counts are HTML markers, not symbol layers: MapLibre draws text
 * only with a `glyphs` URL (font PBFs), which the blank style has none of and the
 * closed network cannot reach, and a shipped glyph set covering Vietnamese (Latin,
 * Latin Extended Additional, combining marks) would add several hundred kilobytes of
 * PBFs to the repository and to the first load. The page's own font draws every
 * Vietnamese letter; the markers are remade for what is in view after each move and
 * kept to LABEL_LIMIT names and COUNT_LIMIT counts, so the DOM stays small.
 *
 * Popups show a row's code and a link to its page (the page itself checks the scope).
 *
 * Overlays (`config.overlays`) are what apps above the registry contribute (see
 * registry/maps/overlays.py): each a GeoJSON endpoint of its own, read for the area in
 * view after each move, its features coloured by their `state` property, drawn above
 * the units and below the registries' points.
 * Plain ES2017, no build step.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("map-config").textContent);
  var controls = document.getElementById("map-controls");
  // The form only filters the map: Enter in it must not send it anywhere.
  controls.addEventListener("submit", function (event) { event.preventDefault(); });
  // Each layer's colour, from its declaration: set through the DOM, which the
  // Content-Security-Policy allows where it refuses style attributes in the page.
  controls.querySelectorAll(".swatch[data-color], .legend-area[data-color]").forEach(function (swatch) {
    swatch.style.background = swatch.dataset.color;
  });
  // On a phone the map comes first: the layer list is folded (data-fold-narrow, fold.js).
  var layersByName = {};
  config.layers.forEach(function (layer) { layersByName[layer.name] = layer; });
  var overlaysByName = {};
  config.overlays.forEach(function (overlay) { overlaysByName[overlay.name] = overlay; });

  var blankStyle = {
    version: 8,
    sources: {},
    layers: [{ id: "background", type: "background", paint: { "background-color": "#eef2ef" } }],
  };

  var LABEL_LIMIT = 150;
  var COUNT_LIMIT = 300;
  var LEVEL_RANK = { province: 0, commune: 1, village: 2 };

  // "Xem trên bản đồ" from a record page: ?lon=…&lat=…&z=… opens the map there.
  var start = { bounds: config.bounds, fitBoundsOptions: { padding: 24 } };
  var asked = new URLSearchParams(window.location.search);
  var lon = parseFloat(asked.get("lon"));
  var lat = parseFloat(asked.get("lat"));
  var zoom = parseFloat(asked.get("z"));
  if (isFinite(lon) && isFinite(lat) && Math.abs(lon) <= 180 && Math.abs(lat) <= 85) {
    start = { center: [lon, lat], zoom: isFinite(zoom) ? Math.min(Math.max(zoom, 0), 19) : 15 };
  }

  var map = new maplibregl.Map(Object.assign({
    container: "map",
    style: config.basemap || blankStyle,
    maxZoom: 19,
    attributionControl: { compact: true },
    locale: config.locale,
  }, start));
  // Tests and the browser console reach the map here.
  window.langsoMap = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  map.addControl(new maplibregl.FullscreenControl());
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }));

  // A basemap whose style cannot be read (server down, wrong URL, refused by the
  // network) leaves the map on the blank style, with our layers, and says so.
  var fellBack = false;
  map.on("error", function (event) {
    if (!config.basemap || fellBack || map.isStyleLoaded()) return;
    fellBack = true;
    document.getElementById("map-notice").hidden = false;
    map.setStyle(blankStyle);
    if (window.console) console.warn("basemap:", event.error && event.error.message);
  });

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
    var approx = config.units.approxLayer;
    map.addSource(name, vectorSource(name));
    var polygon = ["==", ["geometry-type"], "Polygon"];
    // Approximate cells first, under the imported boundaries: dashed, fainter.
    map.addLayer({
      id: name + "-approx-fill", type: "fill", source: name, "source-layer": approx,
      paint: { "fill-color": "#ffffff", "fill-opacity": 0.3 },
    });
    map.addLayer({
      id: name + "-approx-line", type: "line", source: name, "source-layer": approx,
      // Villages' cells too (issue 15), from zoom 12: same dashes, so that they read as
      // approximate; thinner dashes vanished into a faint solid line in screenshots.
      paint: { "line-color": "#6b6b6b", "line-width": 1.2, "line-dasharray": [3, 2] },
    });
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

  // An overlay's colour by its features' `state`; grey for a state its legend lacks.
  function stateColor(overlay) {
    var match = ["match", ["get", "state"]];
    Object.keys(overlay.colors).forEach(function (state) {
      match.push(state, overlay.colors[state]);
    });
    return Object.keys(overlay.colors).length ? match.concat(["#888888"]) : "#888888";
  }

  function viewBox() {
    var b = map.getBounds();
    return [
      Math.max(b.getWest(), -180), Math.max(b.getSouth(), -90),
      Math.min(b.getEast(), 180), Math.min(b.getNorth(), 90),
    ].map(function (v) { return v.toFixed(5); }).join(",");
  }

  function overlayUrl(overlay) {
    return new URL(overlay.url + "?bbox=" + viewBox(), window.location.href).href;
  }

  function addOverlay(overlay) {
    var name = overlay.name;
    map.addSource(name, { type: "geojson", data: overlayUrl(overlay) });
    var color = stateColor(overlay);
    map.addLayer({
      id: name + "-fill", type: "fill", source: name,
      filter: ["==", ["geometry-type"], "Polygon"],
      paint: { "fill-color": color, "fill-opacity": 0.35 },
    });
    map.addLayer({
      id: name + "-line", type: "line", source: name,
      filter: ["==", ["geometry-type"], "Polygon"],
      paint: { "line-color": color, "line-width": 2 },
    });
    map.addLayer({
      id: name + "-point", type: "circle", source: name,
      filter: ["==", ["geometry-type"], "Point"],
      paint: {
        "circle-radius": 8, "circle-color": color, "circle-opacity": 0.8,
        "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5,
      },
    });
  }

  function refreshOverlayData() {
    config.overlays.forEach(function (overlay) {
      var source = map.getSource(overlay.name);
      if (source && layerShown(overlay.name)) source.setData(overlayUrl(overlay));
    });
  }

  function overlayPopup(overlay, feature) {
    var props = feature.properties;
    var box = element("div");
    box.className = "map-popup";
    box.appendChild(element("h3", props[overlay.heading] || overlay.title));
    var list = element("dl");
    Object.keys(overlay.properties).forEach(function (key) {
      var value = props[key];
      if (value === undefined || value === null || value === "") return;
      list.appendChild(element("dt", overlay.properties[key]));
      list.appendChild(element("dd", value));
    });
    box.appendChild(list);
    return box;
  }

  function styleLayerIds(name) {
    if (overlaysByName[name]) return [name + "-fill", name + "-line", name + "-point"];
    if (name === config.units.name) {
      return [name + "-approx-fill", name + "-approx-line", name + "-fill", name + "-line",
        name + "-point"];
    }
    return [name + "-clusters", name + "-points"];
  }

  function clickableIds() {
    var ids = [];
    config.layers.concat(config.overlays).forEach(function (layer) {
      ids = ids.concat(styleLayerIds(layer.name));
    });
    return ids;
  }

  function element(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function popupContent(feature) {
    if (overlaysByName[feature.source]) return overlayPopup(overlaysByName[feature.source], feature);
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

  // Unit names and cluster counts as HTML markers (see the top of this file), keyed so
  // that a marker still in view is kept rather than made again.
  var markers = { labels: {}, counts: {} };

  function marker(store, key, className, text, lngLat, seen, offset) {
    seen[key] = true;
    var existing = store[key];
    if (existing) {
      existing.setLngLat(lngLat);
      return;
    }
    var node = element("span", text);
    node.className = className;
    store[key] = new maplibregl.Marker({ element: node, offset: offset || [0, 0] })
      .setLngLat(lngLat).addTo(map);
    // MapLibre makes a marker a focusable "Map marker" button; these are only text.
    ["role", "tabindex", "aria-label"].forEach(function (name) { node.removeAttribute(name); });
  }

  function prune(store, seen) {
    Object.keys(store).forEach(function (key) {
      if (!seen[key]) { store[key].remove(); delete store[key]; }
    });
  }

  function layerShown(name) {
    var toggle = controls.querySelector('input[type="checkbox"][data-layer="' + name + '"]');
    return !toggle || toggle.checked;
  }

  function refreshLabels() {
    var name = config.units.name;
    var seen = {};
    if (layerShown(name) && map.getSource(name)) {
      var bounds = map.getBounds();
      var found = {};
      [name, config.units.approxLayer].forEach(function (sourceLayer) {
        map.querySourceFeatures(name, { sourceLayer: sourceLayer }).forEach(function (f) {
          var p = f.properties;
          if (p.lx === undefined || p.ly === undefined || found[f.id]) return;
          if (!bounds.contains([p.lx, p.ly])) return;
          found[f.id] = { name: p.name, level: p.level, at: [p.lx, p.ly] };
        });
      });
      Object.keys(found)
        .map(function (id) { return [id, found[id]]; })
        .sort(function (a, b) { return (LEVEL_RANK[a[1].level] || 9) - (LEVEL_RANK[b[1].level] || 9); })
        .slice(0, LABEL_LIMIT)
        .forEach(function (entry) {
          marker(markers.labels, entry[0], "map-label map-label-" + entry[1].level,
            entry[1].name, entry[1].at, seen,
            // A village is a dot at its centre: its name goes just above.
            entry[1].level === "village" ? [0, -11] : [0, 0]);
        });
    }
    prune(markers.labels, seen);
  }

  function refreshCounts() {
    var ids = [];
    config.layers.forEach(function (layer) {
      if (layerShown(layer.name) && map.getLayer(layer.name + "-clusters")) {
        ids.push(layer.name + "-clusters");
      }
    });
    var seen = {};
    var shown = 0;
    if (ids.length) {
      map.queryRenderedFeatures({ layers: ids }).forEach(function (f) {
        var count = f.properties.count;
        if (!(count > 1) || shown >= COUNT_LIMIT) return;
        var at = f.geometry.coordinates;
        var key = f.source + ":" + at[0].toFixed(6) + "," + at[1].toFixed(6);
        if (seen[key]) return;
        shown += 1;
        marker(markers.counts, key, "map-count", Number(count).toLocaleString("vi-VN"), at, seen);
      });
    }
    prune(markers.counts, seen);
  }

  function refreshMarkers() {
    refreshLabels();
    refreshCounts();
  }

  var ready = false;
  map.on("load", setUp);
  // After a fallback to the blank style, "load" may have been spent on nothing.
  map.on("style.load", function () { if (fellBack) setUp(); });

  function setUp() {
    if (ready) return;
    ready = true;
    addUnits();
    config.overlays.forEach(addOverlay);
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
    map.on("idle", refreshMarkers);
  }

  controls.addEventListener("change", function (event) {
    var target = event.target;
    var name = target.dataset.layer;
    if (!name || !map.getSource(name)) return;
    if (target.type === "checkbox") {
      styleLayerIds(name).forEach(function (id) {
        map.setLayoutProperty(id, "visibility", target.checked ? "visible" : "none");
      });
      if (overlaysByName[name] && target.checked) refreshOverlayData();
      refreshMarkers();
    } else {
      map.getSource(name).setTiles([tileUrl(name)]);
      updateDownloads();
    }
  });

  // "Download GeoJSON of the area in view": the endpoint takes the same filters.
  function updateDownloads() {
    var bbox = viewBox();
    controls.querySelectorAll("a.geojson").forEach(function (link) {
      var name = link.dataset.layer;
      var query = filterQuery(name);
      link.href = config.geojson + "?layer=" + encodeURIComponent(name) + "&bbox=" + bbox +
        (query ? "&" + query : "");
    });
  }
  map.on("moveend", updateDownloads);
  map.on("moveend", function () { if (ready) refreshOverlayData(); });
})();
