"""Draws `annalist export --format geojson` as an SVG map: a graticule, one
circle per place with coordinates (its area grows with the mentions), its
label and mention count, and a note of the places without coordinates.

Usage: python3 scripts/map_picture.py places.geojson map.svg [title]

Only the standard library: the map is an equirectangular projection of the
places' own extent (with a margin), scaled by the cosine of the mean
latitude so that a degree east looks as long as a degree north.
"""

import html
import json
import math
import sys

WIDTH, HEIGHT = 880, 560
PAD = 70


def main() -> None:
    src, out = sys.argv[1], sys.argv[2]
    title = sys.argv[3] if len(sys.argv) > 3 else "Places"
    with open(src, encoding="utf-8") as f:
        features = json.load(f)["features"]
    placed = [f for f in features if f.get("geometry")]
    unplaced = [f for f in features if not f.get("geometry")]
    if not placed:
        sys.exit(f"{src}: no place has coordinates, nothing to draw")
    lons = [f["geometry"]["coordinates"][0] for f in placed]
    lats = [f["geometry"]["coordinates"][1] for f in placed]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    # A margin of a fifth of the extent, at least half a degree.
    mx = max((east - west) / 5, 0.5)
    my = max((north - south) / 5, 0.5)
    west, east, south, north = west - mx, east + mx, south - my, north + my
    k = math.cos(math.radians((north + south) / 2))
    # Widen the shorter side to the drawing's shape, so the map fills it.
    box_w, box_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD - 40
    span_x, span_y = (east - west) * k, north - south
    if span_x / span_y < box_w / box_h:
        grow = (span_y * box_w / box_h / k - (east - west)) / 2
        west, east = west - grow, east + grow
    else:
        grow = (span_x * box_h / box_w - span_y) / 2
        south, north = south - grow, north + grow
    span_x, span_y = (east - west) * k, north - south
    scale = min((WIDTH - 2 * PAD) / span_x, (HEIGHT - 2 * PAD - 40) / span_y)
    ox = (WIDTH - span_x * scale) / 2
    oy = 40 + (HEIGHT - 40 - span_y * scale) / 2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return ox + (lon - west) * k * scale, oy + (north - lat) * scale

    step = nice_step(north - south)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="DejaVu Sans, sans-serif">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f7f4ec"/>',
        f'<text x="{PAD}" y="30" font-size="18" fill="#222">{html.escape(title)}</text>',
    ]
    x0, y0 = xy(west, north)
    x1, y1 = xy(east, south)
    parts.append(
        f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" '
        'fill="#e4eef4" stroke="#8aa" stroke-width="1"/>'
    )
    lon_step = nice_step(east - west)
    lon = math.ceil(west / lon_step) * lon_step
    while lon <= east:
        x, _ = xy(lon, north)
        parts.append(
            f'<line x1="{x:.1f}" y1="{y0:.1f}" x2="{x:.1f}" y2="{y1:.1f}" stroke="#b8c8d0"/>'
            f'<text x="{x:.1f}" y="{y1 + 16:.1f}" font-size="11" fill="#567" '
            f'text-anchor="middle">{degrees(lon, "E", "W")}</text>'
        )
        lon += lon_step
    lat = math.ceil(south / step) * step
    while lat <= north:
        _, y = xy(west, lat)
        parts.append(
            f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="#b8c8d0"/>'
            f'<text x="{x0 - 6:.1f}" y="{y + 4:.1f}" font-size="11" fill="#567" '
            f'text-anchor="end">{degrees(lat, "N", "S")}</text>'
        )
        lat += step
    most = max(f["properties"]["mentions"] for f in placed) or 1
    for f in sorted(placed, key=lambda f: -f["properties"]["mentions"]):
        p = f["properties"]
        x, y = xy(*f["geometry"]["coordinates"][:2])
        r = 5 + 17 * math.sqrt(p["mentions"] / most)
        label = f'{p["label"]} ({p["mentions"]})'
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#c0392b" '
            'fill-opacity="0.75" stroke="#7b241c" stroke-width="1.2"/>'
            f'<text x="{x + r + 5:.1f}" y="{y + 5:.1f}" font-size="15" fill="#222" '
            f'stroke="#f7f4ec" stroke-width="3" paint-order="stroke">{html.escape(label)}</text>'
        )
    note = (
        f"{len(placed)} places with coordinates; circles by mentions in the texts"
        + (
            f"; {len(unplaced)} without coordinates: "
            + ", ".join(f["properties"]["label"] for f in unplaced)
            if unplaced
            else ""
        )
    )
    parts.append(
        f'<text x="{PAD}" y="{HEIGHT - 14}" font-size="12" fill="#444">{html.escape(note)}</text>'
    )
    parts.append("</svg>")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


def nice_step(extent: float) -> float:
    for s in (0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30):
        if extent / s <= 8:
            return s
    return 30


def degrees(v: float, pos: str, neg: str) -> str:
    text = f"{abs(v):.2f}".rstrip("0").rstrip(".")
    return f"{text}°{pos if v >= 0 else neg}"


if __name__ == "__main__":
    main()
