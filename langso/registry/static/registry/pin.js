/* The household's small map: the commune outline (or its centre) on a blank style, no
   tile server needed, and the pin. On the edit page the pin is draggable and a click
   moves it; both write the lat/lon inputs, and typing in them moves the pin. */
(function () {
  "use strict";

  function start() {
    var container = document.getElementById("pin-map");
    var dataNode = document.getElementById("pin-data");
    if (!container || !dataNode || typeof maplibregl === "undefined") return;
    var data = JSON.parse(dataNode.textContent || "null") || {};
    var editable = container.dataset.editable === "1";
    var latInput = document.getElementById("id_lat");
    var lonInput = document.getElementById("id_lon");

    function inputPoint() {
      if (!latInput || !lonInput) return null;
      var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
      return isFinite(lat) && isFinite(lon) ? [lon, lat] : null;
    }

    var point = (editable && inputPoint()) || data.point;
    var boundary = data.boundary ? JSON.parse(data.boundary) : null;
    var centre = point || data.centroid || [106.0, 16.0];
    var map = new maplibregl.Map({
      container: container,
      style: {
        version: 8,
        sources: {},
        layers: [{ id: "paper", type: "background", paint: { "background-color": "#f3f1ea" } }]
      },
      center: centre,
      zoom: point || data.centroid ? 14 : 4.5,
      attributionControl: false
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    window.langsoPinMap = map;  // for the browser test and for a curious officer

    map.on("load", function () {
      if (boundary) {
        map.addSource("commune", { type: "geojson", data: boundary });
        map.addLayer({ id: "commune-fill", type: "fill", source: "commune",
          paint: { "fill-color": "#17663a", "fill-opacity": 0.06 } });
        map.addLayer({ id: "commune-line", type: "line", source: "commune",
          paint: { "line-color": "#17663a", "line-width": 1.5 } });
        if (!point) {
          var bounds = new maplibregl.LngLatBounds();
          (boundary.type === "MultiPolygon" ? boundary.coordinates : [boundary.coordinates])
            .forEach(function (polygon) { polygon[0].forEach(function (c) { bounds.extend(c); }); });
          map.fitBounds(bounds, { padding: 16, duration: 0 });
        }
      } else if (data.centroid) {
        map.addSource("centre", { type: "geojson",
          data: { type: "Point", coordinates: data.centroid } });
        map.addLayer({ id: "centre", type: "circle", source: "centre",
          paint: { "circle-radius": 5, "circle-color": "#5b6b61" } });
      }
    });

    var marker = null;
    function place(lngLat) {
      if (!marker) {
        marker = new maplibregl.Marker({ color: "#a3261b", draggable: editable })
          .setLngLat(lngLat).addTo(map);
        if (editable) marker.on("dragend", function () { write(marker.getLngLat()); });
      } else {
        marker.setLngLat(lngLat);
      }
    }
    function write(lngLat) {
      if (!latInput || !lonInput) return;
      latInput.value = lngLat.lat.toFixed(6);
      lonInput.value = lngLat.lng.toFixed(6);
    }
    if (point) place(point);

    if (editable) {
      map.on("click", function (event) { place(event.lngLat); write(event.lngLat); });
      [latInput, lonInput].forEach(function (input) {
        if (!input) return;
        input.addEventListener("change", function () {
          var typed = inputPoint();
          if (typed) { place(typed); map.easeTo({ center: typed }); }
        });
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
