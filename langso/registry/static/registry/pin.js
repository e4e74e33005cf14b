/* The edit page's pin, without a map library: the record's figure is an SVG drawn on
 * the server (registry/maps/pin.py), which carries its projection in data attributes.
 * A click (or tap) on the figure moves the pin there and fills latitude and longitude;
 * typed coordinates move the pin. Plain ES2017, no build step, nothing inline (CSP).
 */
(function () {
  "use strict";

  function start() {
    var svg = document.getElementById("pin-map");
    if (!svg || !svg.dataset.editable) return;
    var latInput = document.getElementById("id_lat");
    var lonInput = document.getElementById("id_lon");
    var marker = svg.querySelector(".pin-marker");
    var west = parseFloat(svg.dataset.west);
    var north = parseFloat(svg.dataset.north);
    var pxLon = parseFloat(svg.dataset.pxLon);
    var pxLat = parseFloat(svg.dataset.pxLat);
    var box = svg.viewBox.baseVal;

    function show(x, y) {
      var inside = x >= 0 && y >= 0 && x <= box.width && y <= box.height;
      if (inside) {
        marker.setAttribute("transform", "translate(" + x.toFixed(1) + " " + y.toFixed(1) + ")");
        marker.removeAttribute("display");
      } else {
        // Typed far from the commune: the figure cannot show it.
        marker.setAttribute("display", "none");
      }
    }

    function typed() {
      if (!latInput || !lonInput) return null;
      var lat = parseFloat(latInput.value.replace(",", "."));
      var lon = parseFloat(lonInput.value.replace(",", "."));
      return isFinite(lat) && isFinite(lon) ? { lat: lat, lon: lon } : null;
    }

    function follow() {
      var point = typed();
      if (point) show((point.lon - west) * pxLon, (north - point.lat) * pxLat);
    }

    svg.addEventListener("click", function (event) {
      // Screen pixels to the figure's own units, whatever size CSS gives it.
      var at = svg.createSVGPoint();
      at.x = event.clientX;
      at.y = event.clientY;
      var local = at.matrixTransform(svg.getScreenCTM().inverse());
      show(local.x, local.y);
      if (latInput && lonInput) {
        latInput.value = (north - local.y / pxLat).toFixed(6);
        lonInput.value = (west + local.x / pxLon).toFixed(6);
      }
    });
    [latInput, lonInput].forEach(function (input) {
      if (input) input.addEventListener("input", follow);
    });
    follow();  // a form sent back with errors keeps what was typed
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
