/* zonemap: the zone map page. Draws the decoded parcels on canvases, builds
 * the legend, ledger, search, measure and popups from a JSON block.
 *
 * Safety: no string from the data is ever parsed as HTML. Every text goes
 * in with textContent (el()), and Leaflet gets DOM nodes, never markup.
 * Scale: features live in typed arrays, are drawn per style class on one
 * canvas per layer, culled to the view, and features smaller than two
 * pixels are drawn as their box; popups are built only when asked for.
 */
(function () {
  'use strict';

  var zonemap = (window.zonemap = {});

  /* ---------- decoding (see zonemap/render/encode.py) ---------- */

  // The data block: base64 of [JSON length (4 bytes LE), JSON, binary sections], gzipped when large
  // (the browser's own DecompressionStream inflates it, from file:// too); '~' starts one left plain.
  function isPlain(node) {
    return node.textContent.trim().charAt(0) === '~';
  }

  function unpack(node) {
    var text = node.textContent.trim(), plain = isPlain(node);
    text = atob(plain ? text.slice(1) : text);
    var packed = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) packed[i] = text.charCodeAt(i);
    var inflated = plain
      ? Promise.resolve(packed.buffer)
      : new Response(new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
    return inflated.then(function (buffer) {
      var length = new DataView(buffer).getUint32(0, true);
      var data = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, length)));
      data.bytes = new Uint8Array(buffer, 4 + length);
      return data;
    });
  }

  // `count` LEB128 varints from the binary section `ref` ({at, bytes}).
  function varints(bytes, ref, count) {
    var out = new Float64Array(count), pos = ref.at;
    for (var i = 0; i < count; i++) {
      var byte = bytes[pos++], value = byte & 127, scale = 128;
      while (byte & 128) {
        byte = bytes[pos++];
        value += (byte & 127) * scale;
        scale *= 128;
      }
      out[i] = value;
    }
    return out;
  }

  function unzigzag(v) {
    return v % 2 ? -(v + 1) / 2 : v / 2;
  }

  // Spherical Mercator of L.CRS.EPSG3857 at zoom 0 (256 px for the world).
  var R = L.Projection.SphericalMercator.R, D = Math.PI / 180, MAX_LAT = L.Projection.SphericalMercator.MAX_LATITUDE;
  function worldX(lon) {
    return 128 + (256 * lon) / 360;
  }
  function worldY(lat) {
    var sin = Math.sin(Math.max(Math.min(MAX_LAT, lat), -MAX_LAT) * D);
    return 128 - (128 / Math.PI) * (0.5 * Math.log((1 + sin) / (1 - sin)));
  }

  // Vertices in world pixels at zoom 0: [x0, y0, x1, y1, …].
  function decodeCoordinates(bytes, ref, count, quantum) {
    var raw = varints(bytes, ref, 2 * count), out = new Float64Array(2 * count), qx = 0, qy = 0;
    for (var i = 0; i < count; i++) {
      qx += unzigzag(raw[2 * i]);
      qy += unzigzag(raw[2 * i + 1]);
      out[2 * i] = worldX(qx * quantum);
      out[2 * i + 1] = worldY(qy * quantum);
    }
    return out;
  }

  function decodePolygons(blob, bytes) {
    var n = blob.features,
      ringCounts = varints(bytes, blob.ring_counts, n),
      ringSizes = varints(bytes, blob.ring_sizes, blob.rings),
      xy = decodeCoordinates(bytes, blob.coordinates, blob.vertices, blob.quantum),
      firstRing = new Int32Array(n + 1),
      ringStart = new Int32Array(blob.rings + 1),
      box = new Float64Array(4 * n);
    for (var r = 0; r < blob.rings; r++) ringStart[r + 1] = ringStart[r] + ringSizes[r];
    for (var i = 0; i < n; i++) {
      firstRing[i + 1] = firstRing[i] + ringCounts[i];
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (var v = ringStart[firstRing[i]]; v < ringStart[firstRing[i + 1]]; v++) {
        var x = xy[2 * v], y = xy[2 * v + 1];
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
      box[4 * i] = x0; box[4 * i + 1] = y0; box[4 * i + 2] = x1; box[4 * i + 3] = y1;
    }
    return { n: n, xy: xy, firstRing: firstRing, ringStart: ringStart, box: box };
  }

  function hasGeometry(geom, i) {
    return geom.firstRing[i + 1] > geom.firstRing[i];
  }

  // Even-odd crossing test over every ring of feature i (holes included).
  function contains(geom, i, x, y) {
    var b = geom.box, inside = false;
    if (!(x >= b[4 * i] && x <= b[4 * i + 2] && y >= b[4 * i + 1] && y <= b[4 * i + 3])) return false;
    for (var r = geom.firstRing[i]; r < geom.firstRing[i + 1]; r++) {
      var start = geom.ringStart[r], end = geom.ringStart[r + 1], xy = geom.xy;
      for (var v = start, w = end - 1; v < end; w = v++) {
        var xv = xy[2 * v], yv = xy[2 * v + 1], xw = xy[2 * w], yw = xy[2 * w + 1];
        if (yv > y !== yw > y && x < ((xw - xv) * (y - yv)) / (yw - yv) + xv) inside = !inside;
      }
    }
    return inside;
  }

  // A point inside feature i, for its label: the middle of the widest stretch of the
  // horizontal line through its box's middle that lies inside it (even-odd, holes too).
  function interiorPoint(geom, i) {
    var b = geom.box, y = (b[4 * i + 1] + b[4 * i + 3]) / 2, xy = geom.xy, xs = [];
    for (var r = geom.firstRing[i]; r < geom.firstRing[i + 1]; r++) {
      var start = geom.ringStart[r], end = geom.ringStart[r + 1];
      for (var v = start, w = end - 1; v < end; w = v++) {
        var yv = xy[2 * v + 1], yw = xy[2 * w + 1];
        if (yv > y !== yw > y) xs.push(xy[2 * v] + ((y - yv) * (xy[2 * w] - xy[2 * v])) / (yw - yv));
      }
    }
    xs.sort(function (p, q) { return p - q; });
    var best = -1, x = (b[4 * i] + b[4 * i + 2]) / 2;
    for (var k = 0; k + 1 < xs.length; k += 2) {
      if (xs[k + 1] - xs[k] > best) {
        best = xs[k + 1] - xs[k];
        x = (xs[k] + xs[k + 1]) / 2;
      }
    }
    return [x, y];
  }

  /* ---------- text ---------- */

  function el(tag, className, text, parent) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (parent) parent.appendChild(node);
    return node;
  }

  // Figures as `zonemap areas` prints them: fixed decimals, thousands commas.
  function number(value, decimals) {
    var parts = Number(value).toFixed(decimals).split('.');
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return parts.join('.');
  }

  /* ---------- canvases ---------- */

  function rgba(hex, alpha) {
    var v = parseInt(hex.slice(1), 16);
    return 'rgba(' + (v >> 16) + ',' + ((v >> 8) & 255) + ',' + (v & 255) + ',' + alpha + ')';
  }


  // One canvas per layer, positioned and zoom-animated by L.Canvas; we
  // replace its per-path drawing with a pass over our typed arrays. A pan
  // keeps what is drawn: inside the canvas's padding nothing is redrawn, and
  // past it the pixels shift and only the strips that came into view are painted.
  var SetCanvas = L.Canvas.extend({
    options: { padding: 0.2 },

    onAdd: function () {
      L.Canvas.prototype.onAdd.call(this);
      this.repaint();
    },

    _updatePaths: function () {
      if (!this._postponeUpdatePaths) this.repaint();
    },

    _update: function () {
      var map = this._map, old = this._bounds, size = map.getSize();
      if (map._animatingZoom && old) return;
      var same = old && this._zoom === map.getZoom() && this._size && this._size.equals(size);
      var view = L.bounds(map.containerPointToLayerPoint([0, 0]), map.containerPointToLayerPoint(size));
      if (same && old.contains(view)) return;
      this._size = size;
      // A layer of few vertices (roads, the boundary, one highlighted parcel) is quicker drawn anew.
      var few = !this.layer || this.only !== null || this.layer.geom.xy.length < 2 * SHIFT_MIN_VERTICES;
      if (!same || few) return L.Canvas.prototype._update.call(this);
      L.Renderer.prototype._update.call(this);
      var b = this._bounds, ctx = this._ctx, m = L.Browser.retina ? 2 : 1;
      L.DomUtil.setPosition(this._container, b.min);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      if (!this.blank) {  // an empty canvas (no label fits here) has nothing to keep
        ctx.globalCompositeOperation = 'copy';
        ctx.drawImage(this._container, (old.min.x - b.min.x) * m, (old.min.y - b.min.y) * m);
        ctx.globalCompositeOperation = 'source-over';
      }
      ctx.setTransform(m, 0, 0, m, -b.min.x * m, -b.min.y * m);
      uncovered(b, old).forEach(function (strip) { this.repaint(strip); }, this);
    },

    // After a view reset (a zoom without animation) the canvas sits where its pixels were drawn,
    // not at L.Renderer's offset from its centre, which can be fractional: a resampled, blurred canvas.
    _reset: function () {
      L.Canvas.prototype._reset.call(this);
      if (this._bounds) L.DomUtil.setPosition(this._container, this._bounds.min);
    },

    // Everything, or only `region` (layer pixels) of the canvas.
    repaint: function (region) {
      var ctx = this._ctx, map = this._map, b = this._bounds;
      if (!ctx || !map || !b) return;
      var area = region || b, m = L.Browser.retina ? 2 : 1;
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect((area.min.x - b.min.x) * m, (area.min.y - b.min.y) * m, (area.max.x - area.min.x) * m, (area.max.y - area.min.y) * m);
      ctx.restore();
      if (!this.layer) return;
      ctx.save();
      if (region) {
        ctx.beginPath();
        ctx.rect(area.min.x, area.min.y, area.max.x - area.min.x, area.max.y - area.min.y);
        ctx.clip();
      }
      // Features reaching into the area by a stroke or a label's edge are drawn too.
      var scale = map.getZoomScale(this._zoom, 0), origin = map.getPixelOrigin();
      var drawn = this._paint(ctx, {
        scale: scale,
        ox: origin.x,
        oy: origin.y,
        x0: (area.min.x - MARGIN_PX + origin.x) / scale,
        y0: (area.min.y - MARGIN_PX + origin.y) / scale,
        x1: (area.max.x + MARGIN_PX + origin.x) / scale,
        y1: (area.max.y + MARGIN_PX + origin.y) / scale,
        pixels: [Math.round((area.min.x - b.min.x) * m), Math.round((area.min.y - b.min.y) * m),
          Math.round((area.max.x - area.min.x) * m), Math.round((area.max.y - area.min.y) * m)],
        bx: b.min.x,
        by: b.min.y,
        m: m
      });
      ctx.restore();
      if (!region) this.drawn = drawn;
      this.blank = (region ? this.blank : true) && !drawn;
      // An empty canvas is left out of compositing: each costs a full-screen blend a frame.
      this._container.style.display = this.blank ? 'none' : '';
    }
  });

  var STROKE_MIN_PX = 8, TINY_PX = 5, MARGIN_PX = 16, SHIFT_MIN_VERTICES = 20000;

  // The parts of bounds b outside bounds old: up to four strips.
  function uncovered(b, old) {
    var strips = [], y0 = Math.max(b.min.y, old.min.y), y1 = Math.min(b.max.y, old.max.y);
    if (y0 >= y1 || Math.max(b.min.x, old.min.x) >= Math.min(b.max.x, old.max.x)) return [b];
    if (b.min.y < old.min.y) strips.push(L.bounds([b.min.x, b.min.y], [b.max.x, old.min.y]));
    if (b.max.y > old.max.y) strips.push(L.bounds([b.min.x, old.max.y], [b.max.x, b.max.y]));
    if (b.min.x < old.min.x) strips.push(L.bounds([b.min.x, y0], [old.min.x, y1]));
    if (b.max.x > old.max.x) strips.push(L.bounds([old.max.x, y0], [b.max.x, y1]));
    return strips;
  }

  function visible(box, i, view) {
    return box[4 * i + 2] >= view.x0 && box[4 * i] <= view.x1 && box[4 * i + 3] >= view.y0 && box[4 * i + 1] <= view.y1;
  }

  // A colour as one RGBA pixel of ImageData (bytes r, g, b, a in memory).
  function pixel(hex, alpha) {
    var v = parseInt(hex.slice(1), 16);
    return ((Math.round(alpha * 255) << 24) | ((v & 255) << 16) | (v & 0xff00) | (v >> 16)) >>> 0;
  }

  // Diagonal hatching (held land): a pattern over what lies beneath, so both show.
  function hatch(ctx, colour) {
    var tile = document.createElement('canvas'), t = tile.getContext('2d');
    tile.width = tile.height = 8;
    t.strokeStyle = colour;
    t.lineWidth = 1.5;
    t.beginPath();
    t.moveTo(0, 8); t.lineTo(8, 0); t.moveTo(-2, 2); t.lineTo(2, -2); t.moveTo(6, 10); t.lineTo(10, 6);
    t.stroke();
    return ctx.createPattern(tile, 'repeat');
  }

  // Polygons of one layer, filled and stroked once per style class.
  var PolygonCanvas = SetCanvas.extend({
    initialize: function (layer, options) {
      SetCanvas.prototype.initialize.call(this, options);
      this.layer = layer;
      this.only = options && options.only !== undefined ? options.only : null;
      this.drawn = 0;
    },

    // Features under TINY_PX are their box, set straight into the pixels in
    // feature order: neighbours overwrite, never darken, each other, no class
    // covers the others, and no gap opens between them. The others are one path each: Skia slows down
    // badly on paths of many contours. Outlines are left off features under
    // STROKE_MIN_PX, where they would only grey the fill.
    _paint: function (ctx, view) {
      var layer = this.layer, geom = layer.geom, xy = geom.xy, box = geom.box, drawn = 0, that = this;
      var area = view.pixels, image = null, pixels = null, m = view.m, style, i;
      var styles = layer.styles.map(function (s) { return that.options.style || s; });
      // A hatch too small to show its lines is a tint of its colour.
      var colours = styles.map(function (s) {
        return s.hatch ? pixel(s.hatch, 0.35) : s.fill ? pixel(s.fill, s.fillOpacity) : pixel(s.stroke, 1);
      });
      var big = styles.map(function () { return []; });
      var count = this.only === null ? geom.n : this.only < 0 ? 0 : 1;
      for (var k = 0; k < count; k++) {
        i = this.only === null ? k : this.only;
        if (!hasGeometry(geom, i) || !visible(box, i, view)) continue;
        drawn++;
        var bw = (box[4 * i + 2] - box[4 * i]) * view.scale, bh = (box[4 * i + 3] - box[4 * i + 1]) * view.scale;
        if (bw >= TINY_PX || bh >= TINY_PX) {
          big[layer.classOf[i]].push(i);
          continue;
        }
        if (!image) {
          image = ctx.createImageData(Math.max(area[2], 1), Math.max(area[3], 1));
          pixels = new Uint32Array(image.data.buffer);
        }
        var cx = (((box[4 * i] + box[4 * i + 2]) / 2) * view.scale - view.ox - view.bx) * m - area[0],
          cy = (((box[4 * i + 1] + box[4 * i + 3]) / 2) * view.scale - view.oy - view.by) * m - area[1];
        var w = Math.max(bw * m, 1) / 2, h = Math.max(bh * m, 1) / 2, colour = colours[layer.classOf[i]];
        var x0 = Math.max(Math.round(cx - w), 0), x1 = Math.min(Math.max(Math.round(cx + w), x0 + 1), area[2]);
        var y0 = Math.max(Math.round(cy - h), 0), y1 = Math.min(Math.max(Math.round(cy + h), y0 + 1), area[3]);
        for (var y = y0; y < y1; y++) {
          for (var x = y * area[2] + x0, end = y * area[2] + x1; x < end; x++) pixels[x] = colour;
        }
      }
      if (image) ctx.putImageData(image, area[0], area[1]);
      ctx.lineJoin = 'round';
      for (var c = 0; c < styles.length; c++) {
        if (!big[c].length) continue;
        style = styles[c];
        var fill = style.hatch ? hatch(ctx, style.hatch) : style.fill ? rgba(style.fill, style.fillOpacity) : null;
        ctx.strokeStyle = style.stroke || 'transparent';
        ctx.lineWidth = style.weight || 0;
        ctx.setLineDash(style.dash || []);
        if (fill) ctx.fillStyle = fill;
        for (var j = 0; j < big[c].length; j++) {
          i = big[c][j];
          ctx.beginPath();
          for (var r = geom.firstRing[i]; r < geom.firstRing[i + 1]; r++) {
            for (var v = geom.ringStart[r]; v < geom.ringStart[r + 1]; v++) {
              var px = xy[2 * v] * view.scale - view.ox, py = xy[2 * v + 1] * view.scale - view.oy;
              if (v === geom.ringStart[r]) ctx.moveTo(px, py);
              else ctx.lineTo(px, py);
            }
            ctx.closePath();
          }
          if (fill) ctx.fill('evenodd');
          var sw = (box[4 * i + 2] - box[4 * i]) * view.scale, sh = (box[4 * i + 3] - box[4 * i + 1]) * view.scale;
          if (style.weight && (sw >= STROKE_MIN_PX || sh >= STROKE_MIN_PX || !style.fill)) ctx.stroke();
        }
      }
      return drawn;
    }
  });

  // Parcel labels (id and area) at a point inside each parcel, where they fit.
  var LabelCanvas = SetCanvas.extend({
    initialize: function (layer, options) {
      SetCanvas.prototype.initialize.call(this, options);
      this.layer = layer;
      this.drawn = 0;
    },

    _paint: function (ctx, view) {
      var layer = this.layer, geom = layer.geom, box = geom.box, drawn = 0;
      ctx.font = '600 12px "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.lineJoin = 'round';
      for (var i = 0; i < geom.n; i++) {
        if (!hasGeometry(geom, i) || !visible(box, i, view)) continue;
        var width = (box[4 * i + 2] - box[4 * i]) * view.scale, height = (box[4 * i + 3] - box[4 * i + 1]) * view.scale;
        if (height < 34 || width < 40) continue;
        var lines = layer.labelLines(i);
        if (ctx.measureText(lines[0]).width > width - 4 || ctx.measureText(lines[1]).width > width - 4) continue;
        var at = labelPoint(layer, i), x = at[0] * view.scale - view.ox, y = at[1] * view.scale - view.oy;
        for (var k = 0; k < 2; k++) {
          ctx.lineWidth = 3;
          ctx.strokeStyle = 'rgba(255,255,255,0.9)';
          ctx.strokeText(lines[k], x, y + (k - 0.5) * 15);
          ctx.fillStyle = '#1a1a1a';
          ctx.fillText(lines[k], x, y + (k - 0.5) * 15);
        }
        drawn++;
      }
      return drawn;
    }
  });

  // A feature's label point (world pixels at zoom 0), found once when first needed.
  function labelPoint(layer, i) {
    if (!layer.labelAt[i]) layer.labelAt[i] = interiorPoint(layer.geom, i);
    return layer.labelAt[i];
  }

  /* ---------- layers ---------- */

  // A column's i-th value, in any of its three forms (see web.py's _json_values): a list;
  // {values, codes} with codes one-based (0: missing); {scaled, decimals}, numbers × 10^decimals
  // zig-zagged and one-based. Binary ones are decoded when first read.
  function reader(values, bytes) {
    if (Array.isArray(values)) return function (i) { return values[i]; };
    if (values.codes) {
      var codes = varints(bytes, values.codes, values.count);
      return function (i) { return codes[i] ? values.values[codes[i] - 1] : null; };
    }
    var raw = varints(bytes, values.scaled, values.count), scale = Math.pow(10, values.decimals);
    return function (i) { return raw[i] ? unzigzag(raw[i] - 1) / scale : null; };
  }

  function makeLayer(spec, key, bytes) {
    var geom = decodePolygons(spec.geometry, bytes), n = geom.n, readers = {};
    var layer = {
      key: key,
      spec: spec,
      geom: geom,
      styles: spec.styles,
      classOf: spec.class_of ? varints(bytes, spec.class_of.codes, spec.class_of.count) : new Int32Array(n),
      value: function (column, i) {
        if (!spec.columns[column]) return null;
        if (!readers[column]) readers[column] = reader(spec.columns[column], bytes);
        return readers[column](i);
      }
    };
    if (spec.labels) {
      layer.labelAt = [];
      layer.labelLines = function (i) {
        return spec.labels.lines.map(function (row) { return formatValue(layer, row, i) || ''; });
      };
    }
    return layer;
  }

  function formatValue(layer, row, i) {
    if (row.format === 'class') return layer.styles[layer.classOf[i]].label;
    var value = layer.value(row.column, i);
    if (value === null || value === undefined || value === '') return null;
    if (row.format === 'number') return number(value * (row.factor || 1), row.decimals) + (row.unit ? ' ' + row.unit : '');
    return String(value);
  }

  function hitsAt(page, latlng) {
    var x = worldX(latlng.lng), y = worldY(latlng.lat), hits = [];
    page.interactive.forEach(function (layer) {
      if (!page.map.hasLayer(page.layers[layer.key])) return;
      for (var i = layer.geom.n - 1; i >= 0; i--) {
        if (contains(layer.geom, i, x, y)) {
          hits.push({ layer: layer, index: i });
          return;
        }
      }
    });
    return hits;
  }

  function featureTable(page, hit, parent) {
    var layer = hit.layer, section = el('div', 'zm-popup-section', null, parent);
    el('div', 'zm-popup-title', layer.spec.name, section);
    var table = el('table', 'zm-popup-table', null, section);
    layer.spec.popup.forEach(function (row) {
      var text = formatValue(layer, row, hit.index);
      if (text === null) return;
      var tr = el('tr', null, null, table);
      tr.setAttribute('data-key', row.key);
      el('th', null, row.label, tr);
      el('td', null, text, tr);
    });
    return section;
  }

  function openPopup(page, hits, latlng) {
    var content = el('div', 'zm-popup');
    hits.forEach(function (hit) { featureTable(page, hit, content); });
    var pad = popupPadding(page.map);
    L.popup({ maxWidth: 360, autoPanPaddingTopLeft: pad[0], autoPanPaddingBottomRight: pad[1] })
      .setLatLng(latlng).setContent(content).openOn(page.map);
  }

  // Auto-pan padding that keeps a popup clear of the controls: below the top-left ones
  // (search, measure) and the title, left of the right-hand panels when the map is wide enough.
  var POPUP_MARGIN = 10, POPUP_ROOM = 400;
  function popupPadding(map) {
    var container = map.getContainer(), top = container.getBoundingClientRect().top;
    var corners = map._controlCorners, width = container.clientWidth;
    var below = [corners.topleft, container.querySelector('.zm-title')].reduce(function (bottom, node) {
      return node ? Math.max(bottom, node.getBoundingClientRect().bottom - top) : bottom;
    }, 0);
    var right = Math.max(corners.topright.offsetWidth, corners.bottomright.offsetWidth);
    if (width - right < POPUP_ROOM) right = 0;  // a phone: the panels fold; pan to the edge instead
    return [[POPUP_MARGIN, below + POPUP_MARGIN], [right + POPUP_MARGIN, POPUP_MARGIN]];
  }

  // "A03 · 佳电机械厂": the feature's tooltip columns that have a value.
  function tooltipLine(layer, i) {
    return layer.spec.tooltip.map(function (column) { return layer.value(column, i); })
      .filter(function (part) { return part !== null && part !== ''; }).join(' · ');
  }

  function tooltipText(hits) {
    var node = el('div', 'zm-tooltip-text');
    hits.forEach(function (hit) {
      var line = tooltipLine(hit.layer, hit.index);
      if (line) el('div', null, line, node);
    });
    return node;
  }

  /* ---------- controls ---------- */

  function control(position, className, build) {
    var Control = L.Control.extend({
      onAdd: function (map) {
        var box = el('div', 'zm-panel leaflet-bar ' + className);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        build(box, map);
        return box;
      }
    });
    return new Control({ position: position });
  }

  // A panel whose title folds it away; folded from the start on a phone.
  function collapsible(page, box, title) {
    var head = el('div', 'zm-panel-title zm-toggle', title, box);
    head.setAttribute('role', 'button');
    head.tabIndex = 0;
    if (page.narrow) L.DomUtil.addClass(box, 'zm-collapsed');
    L.DomEvent.on(head, 'click', function () {
      (L.DomUtil.hasClass(box, 'zm-collapsed') ? L.DomUtil.removeClass : L.DomUtil.addClass)(box, 'zm-collapsed');
    });
  }

  // On a phone the layer list folds into Leaflet's layers button too.
  function foldLayerControl(map) {
    var layers = map.getContainer().querySelector('.leaflet-control-layers');
    if (!layers) return;
    L.DomUtil.removeClass(layers, 'leaflet-control-layers-expanded');
    L.DomEvent.on(layers.querySelector('.leaflet-control-layers-toggle'), 'click', function (e) {
      L.DomEvent.preventDefault(e);
      (L.DomUtil.hasClass(layers, 'leaflet-control-layers-expanded') ? L.DomUtil.removeClass : L.DomUtil.addClass)(layers, 'leaflet-control-layers-expanded');
    });
  }

  function legend(page, box) {
    collapsible(page, box, page.data.text.legend);
    var table = el('table', 'zm-legend', null, box);
    var head = el('tr', null, null, table);
    ['', '', page.data.text.parcels_count, page.data.text.area_unit].forEach(function (t) { el('th', null, t, head); });
    page.data.legend.forEach(function (row) {
      var tr = el('tr', null, null, table);
      tr.setAttribute('data-key', row.key);
      var swatch = el('span', 'zm-swatch', null, el('td', null, null, tr));
      swatch.style.background = row.style.hatch ? 'repeating-linear-gradient(135deg, ' + row.style.hatch + ' 0 1.5px, transparent 1.5px 5px)'
        : row.style.fill ? rgba(row.style.fill, row.style.fillOpacity) : 'transparent';
      swatch.style.borderColor = row.style.stroke || 'transparent';
      swatch.style.borderStyle = row.style.dash ? 'dashed' : 'solid';
      el('td', 'zm-label', row.label, tr);
      el('td', 'zm-count', row.parcels === undefined ? '' : row.parcels, tr);
      el('td', 'zm-value', row.area === undefined ? '' : number(row.area, page.data.decimals), tr);
    });
  }

  function summary(page, box) {
    collapsible(page, box, page.data.text.summary);
    var table = el('table', 'zm-summary', null, box);
    page.data.summary.forEach(function (row) {
      var tr = el('tr', row.indent ? 'zm-indent' : null, null, table);
      tr.setAttribute('data-key', row.key);
      el('th', null, row.label, tr);
      el('td', 'zm-value', row.value === null ? '—' : number(row.value, row.decimals), tr);
      el('td', 'zm-unit', row.unit, tr);
    });
    if (page.data.note) el('div', 'zm-note', page.data.note, box);
  }

  function zoomTo(page, layer, i) {
    var b = layer.geom.box, map = page.map;
    var sw = map.unproject([b[4 * i], b[4 * i + 3]], 0), ne = map.unproject([b[4 * i + 2], b[4 * i + 1]], 0);
    map.fitBounds(L.latLngBounds(sw, ne), { maxZoom: 18, padding: [60, 60], animate: false });
    var at = map.unproject(layer.labelAt ? labelPoint(layer, i) : interiorPoint(layer.geom, i), 0);
    var hits = hitsAt(page, at).filter(function (h) { return h.layer === layer && h.index === i; });
    openPopup(page, hits.length ? hits : [{ layer: layer, index: i }], at);
  }

  function search(page, box) {
    var layer = page.searchable, text = page.data.text;
    var input = el('input', 'zm-search-input', null, box);
    input.type = 'search';
    input.placeholder = text.search;
    input.setAttribute('aria-label', text.search);
    var list = el('div', 'zm-search-results', null, box);
    var found = [];
    function run() {
      var query = input.value.trim().toLowerCase();
      list.textContent = '';
      found = [];
      if (!query) return;
      for (var i = 0; i < layer.geom.n && found.length < 8; i++) {
        var match = layer.spec.search.some(function (column) {
          var v = layer.value(column, i);
          return v !== null && String(v).toLowerCase().indexOf(query) >= 0;
        });
        if (match) found.push(i);
      }
      if (!found.length) el('div', 'zm-search-empty', text.no_results, list);
      found.forEach(function (i) {
        var item = el('button', 'zm-search-item', tooltipLine(layer, i), list);
        item.type = 'button';
        L.DomEvent.on(item, 'click', function () { zoomTo(page, layer, i); });
      });
    }
    L.DomEvent.on(input, 'input', run);
    L.DomEvent.on(input, 'keydown', function (e) {
      if (e.key === 'Enter' && found.length) zoomTo(page, layer, found[0]);
    });
  }

  // Measured lengths and areas on a plane tangent to the GRS80/WGS84 ellipsoid
  // at the shape's mean latitude (radii of curvature M and N there): within a
  // few parts per million of geodesic figures over a zone's few kilometres.
  function localPlane(latlngs) {
    var a = 6378137, e2 = 0.00669438002290, lat0 = 0, lng0 = latlngs[0].lng;
    latlngs.forEach(function (p) { lat0 += p.lat / latlngs.length; });
    var s = Math.sin(lat0 * D), w = Math.sqrt(1 - e2 * s * s), n = a / w, m = (a * (1 - e2)) / (w * w * w);
    return latlngs.map(function (p) {
      return [n * Math.cos(lat0 * D) * (p.lng - lng0) * D, m * (p.lat - lat0) * D];
    });
  }

  function measured(latlngs) {
    var xy = localPlane(latlngs), length = 0, twice = 0;
    for (var i = 0; i < xy.length; i++) {
      var j = (i + 1) % xy.length;
      if (i + 1 < xy.length) length += Math.sqrt(Math.pow(xy[j][0] - xy[i][0], 2) + Math.pow(xy[j][1] - xy[i][1], 2));
      twice += xy[i][0] * xy[j][1] - xy[j][0] * xy[i][1];
    }
    return { length: length, area: Math.abs(twice) / 2 };
  }

  function measure(page, box, map) {
    var text = page.data.text, points = [], shape = null;
    var button = el('button', 'zm-measure-button', text.measure, box);
    button.type = 'button';
    var result = el('div', 'zm-measure-result', null, box);
    function draw() {
      if (shape) map.removeLayer(shape);
      shape = null;
      result.textContent = '';
      if (!points.length) return;
      shape = (points.length > 2 ? L.polygon(points, { dashArray: '6 4' }) : L.polyline(points, { dashArray: '6 4' }))
        .setStyle({ color: '#c2185b', weight: 2, fillOpacity: 0.1, interactive: false }).addTo(map);
      var figures = measured(points), m2 = figures.area;
      el('div', 'zm-measure-length', text.distance + ': ' + number(figures.length, 1) + ' m', result);
      if (points.length > 2) {
        el('div', 'zm-measure-area', text.area + ': ' + number(m2 * page.data.mu_per_m2, page.data.decimals) + ' ' + text.mu + ' (' + number(m2, 1) + ' m²)', result);
      }
    }
    L.DomEvent.on(button, 'click', function () {
      page.measuring = !page.measuring;
      button.textContent = page.measuring ? text.measure_stop : text.measure;
      L.DomUtil[page.measuring ? 'addClass' : 'removeClass'](map.getContainer(), 'zm-measuring');
      if (page.measuring) map.doubleClickZoom.disable();
      else map.doubleClickZoom.enable();
      points = [];
      draw();
    });
    page.addMeasurePoint = function (latlng) {
      points.push(latlng);
      draw();
    };
  }

  // Fit the zone beside the panels (a wide screen) or between them (a phone):
  // whichever shows it larger. No side takes more than a third of the map.
  function fitZone(page) {
    var map = page.map, size = map.getSize(), container = map.getContainer(), top = 0, bottom = 0, left = 0, right = 0;
    var mapBox = container.getBoundingClientRect();
    container.querySelectorAll('.leaflet-control-container .leaflet-control, .zm-title').forEach(function (node) {
      var r = node.getBoundingClientRect(), x0 = r.left - mapBox.left, y0 = r.top - mapBox.top, middle = x0 + r.width / 2;
      if (middle < size.x / 3) left = Math.max(left, x0 + r.width);
      else if (middle > (2 * size.x) / 3) right = Math.max(right, size.x - x0);
      if (y0 + r.height / 2 < size.y / 2) top = Math.max(top, y0 + r.height);
      else bottom = Math.max(bottom, size.y - y0);
    });
    function cap(value, total) { return Math.min(value + 10, total / 3); }
    var title = container.querySelector('.zm-title'), titleBottom = title && !page.narrow ? title.offsetTop + title.offsetHeight : 0;
    var beside = { topLeft: L.point(cap(left, size.x), cap(titleBottom, size.y)), bottomRight: L.point(cap(right, size.x), 20) };
    var between = { topLeft: L.point(20, cap(top, size.y)), bottomRight: L.point(20, cap(bottom, size.y)) };
    var bounds = L.latLngBounds(page.data.bounds);
    function zoom(p) { return map.getBoundsZoom(bounds, false, p.topLeft.add(p.bottomRight)); }
    var best = zoom(beside) >= zoom(between) ? beside : between;
    map.fitBounds(bounds, { paddingTopLeft: best.topLeft, paddingBottomRight: best.bottomRight, animate: false });
  }

  /* ---------- the page ---------- */

  // The whole page from its settings (zonemap/render/map.py): the Leaflet map, the basemap's
  // tiles, the zone's layers and the layer control listing both. Names are HTML-escaped
  // already (the layer control sets them as markup). Returns the page.
  zonemap.open = function (settings) {
    var map = L.map(settings.element, settings.map), base = {}, overlays = {};
    settings.tiles.forEach(function (tile) {
      (tile.overlay ? overlays : base)[tile.name] = L.tileLayer(tile.url, tile.options).addTo(map);
    });
    var page = zonemap.page(map, settings.data, settings.keys, settings.tooOld);
    settings.keys.forEach(function (key) {
      overlays[settings.names[key]] = page.layers[key].addTo(map);
    });
    L.control.layers(base, overlays, { position: 'topright', collapsed: false }).addTo(map);
    return page;
  };

  // The layers exist at once (the layer control lists them); they draw, and the
  // panels appear, once the data block is unpacked.
  zonemap.page = function (map, dataId, keys, tooOld) {
    var page = { map: map, layers: {}, interactive: [], measuring: false, ready: false };
    page.narrow = map.getSize().x < 700;
    if (page.narrow) L.DomUtil.addClass(map.getContainer(), 'zm-narrow');
    var paneZ = 410;
    keys.forEach(function (key) {
      if (key === 'labels') {
        map.createPane('zm-labels').style.zIndex = 480;
        page.layers.labels = new LabelCanvas(null, { pane: 'zm-labels' });
        return;
      }
      map.createPane('zm-' + key).style.zIndex = paneZ++;
      page.layers[key] = new PolygonCanvas(null, { pane: 'zm-' + key });
    });
    map.createPane('zm-highlight').style.zIndex = 470;
    page.highlight = new PolygonCanvas(null, { pane: 'zm-highlight', only: -1 }).addTo(map);
    zonemap.current = page; // for tests and the console
    if (!window.DecompressionStream && !isPlain(document.getElementById(dataId))) {
      el('div', 'zm-title', tooOld, map.getContainer());
      return page;
    }
    unpack(document.getElementById(dataId)).then(function (data) { show(page, data); });
    return page;
  };

  function show(page, data) {
    var map = page.map;
    page.data = data;
    Object.keys(data.layers).forEach(function (key) {
      var spec = data.layers[key], model = makeLayer(spec, key, data.bytes);
      page.layers[key].layer = model;
      if (spec.popup) page.interactive.push(model);
      if (spec.search) page.searchable = model;
      if (spec.labels) {
        page.layers.labels.layer = model;
        page.highlight.layer = model;
        page.highlight.options.style = data.highlight;
        page.highlighted = model;
      }
    });

    if (data.title) el('div', 'zm-title', data.title, map.getContainer());
    control('topleft', 'zm-search', function (box) { search(page, box); }).addTo(map);
    control('topleft', 'zm-measure', function (box, m) { measure(page, box, m); }).addTo(map);
    control('bottomright', 'zm-legend-panel', function (box) { legend(page, box); }).addTo(map);
    control('topright', 'zm-summary-panel', function (box) { summary(page, box); }).addTo(map);
    L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map);
    if (page.narrow) foldLayerControl(map);
    fitZone(page);
    Object.keys(page.layers).forEach(function (key) { page.layers[key].repaint(); });
    page.ready = true;

    var tooltip = L.tooltip({ direction: 'top', offset: [0, -10], className: 'zm-tooltip' });
    var pending = null;
    function hover(latlng) {
      var hits = hitsAt(page, latlng);
      var parcel = hits.filter(function (h) { return h.layer === page.highlighted; })[0];
      var index = parcel ? parcel.index : -1;
      if (page.highlight.only !== index) {
        page.highlight.only = index;
        page.highlight.repaint();
      }
      map.getContainer().style.cursor = hits.length ? 'pointer' : '';
      if (hits.length) {
        tooltip.setLatLng(latlng).setContent(tooltipText(hits));
        if (!map.hasLayer(tooltip)) map.openTooltip(tooltip);
      } else if (map.hasLayer(tooltip)) {
        map.closeTooltip(tooltip);
      }
    }
    map.on('mousemove', function (e) {
      if (page.measuring) return;
      if (pending === null) {
        requestAnimationFrame(function () {
          var latlng = pending;
          pending = null;
          hover(latlng);
        });
      }
      pending = e.latlng;
    });
    map.on('mouseout', function () {
      page.highlight.only = -1;
      page.highlight.repaint();
      map.closeTooltip(tooltip);
    });
    map.on('click', function (e) {
      if (page.measuring) return page.addMeasurePoint(e.latlng);
      var hits = hitsAt(page, e.latlng);
      if (hits.length) openPopup(page, hits, e.latlng);
    });
  }
})();
