"""``zonemap print``: the print map (用地现状图) as vector PDF or PNG, at a ratio scale."""

from __future__ import annotations

from pathlib import Path

import click

from zonemap.cli.options import check_output, lang_option, overwrite_option, zone_argument, zone_value
from zonemap.render.printmap import FORMATS, PAPERS_MM


@click.command(name="print")
@zone_argument
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), help="The .pdf (vector), .svg or .png to write [default: ZONE's name with .pdf, in the current folder].")
@click.option("--paper", type=click.Choice(list(PAPERS_MM), case_sensitive=False), default="A4", show_default=True)
@click.option("--landscape", is_flag=True, help="Landscape sheet (portrait by default).")
@click.option("--scale", type=click.IntRange(min=1), help="The ratio's denominator, e.g. 2000 for 1:2000 [default: the largest of 1:500, 1:1000, 1:2000, 1:5000 … that fits].")
@click.option("--dpi", type=click.IntRange(72, 1200), default=200, show_default=True, help="Resolution of a .png.")
@click.option("--compare", "old", type=click.Path(dir_okay=False), callback=zone_value, help="An older version of the zone: colour parcels by what changed, both dates named.")
@click.option("--by", help="制图单位: the office that made the map.")
@click.option("--title", help="图名 [default: the zone's name and 用地现状图].")
@lang_option("Language of every word on the map.")
@overwrite_option
def print_(zone, out, paper, landscape, scale, dpi, old, by, title, lang, overwrite) -> None:
    """Write the print map of ZONE: 图名, 图例 with 亩 totals, 指北针, 比例尺, 坐标系, 制图单位, 日期, 数据来源.

    Chinese text is embedded as real text (the PDF is searchable); it needs a
    font with Chinese glyphs (Debian: fonts-wqy-microhei; Windows: SimHei).
    """
    from zonemap import open as open_zone
    from zonemap.render.printmap import write_print

    out = out or Path.cwd() / f"{zone.stem}.pdf"
    if out.suffix.lower() not in FORMATS:
        from zonemap.i18n import word

        raise click.UsageError(word("usage.print_suffix", lang, out=out, name=out.with_suffix(".pdf").name))
    check_output(out, overwrite=overwrite)
    opened = open_zone(zone).require_shapes()
    older = open_zone(old).require_shapes() if old else None
    layout = write_print(opened, out, dpi=dpi, lang=lang, paper=paper.upper(), landscape=landscape, scale=scale, by=by, title=title, compare_with=older)
    from zonemap.i18n import word

    shown = {"paper": paper.upper(), "landscape": word("out.landscape", lang) if landscape else "", "scale": layout.scale}
    click.echo(word("out.wrote_print", lang, path=out, **shown, labelled=len(layout.label_ids), parcels=len(opened.parcels)), err=True)
    click.echo(str(out))
