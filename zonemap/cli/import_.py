"""``zonemap import``: bring a planner's file into a zone."""

from __future__ import annotations

import click

from zonemap.cli._table import terminal_text
from zonemap.cli.options import crs_option, editor_option, encoding_option, lang_option, mapping_option, print_problems, print_warnings, snap_option, warn, zone_file_argument


@click.command("import")
@zone_file_argument
@click.argument("source", type=click.Path())
@click.option("--layer", default="parcels", show_default=True, type=click.Choice(["parcels", "roads", "buildings", "boundary"]), is_eager=True, help="The zone layer to fill.")
@click.option("--mode", type=click.Choice(["replace", "update", "append"]), help="replace the layer; update by id (default when parcels exist); append new ids only.")
@click.option("--prune", is_flag=True, help="With --mode update: delete parcels absent from SOURCE.")
@encoding_option("Read the source's text as E (e.g. GBK), overriding detection (shapefile, DXF).")
@crs_option
@mapping_option
@click.option("--from-layer", metavar="NAME", help="The layer of SOURCE to read, when it has several.")
@click.option("--where", metavar="SQL", help="Only features matching this SQL filter, e.g. \"ZT = '已入驻'\"; for a DXF on Layer, EntityHandle, Entity, Text, Color, e.g. \"Layer = '地块'\".")
@snap_option
@click.option("--default-status", type=click.Choice(["developed", "vacant", "tenant"]), help="Status for features without one (e.g. CAD drawings).")
@click.option("--fix", is_flag=True, help="Repair invalid polygons with make_valid, reporting each area change.")
@editor_option
@lang_option()
@print_problems
def import_(zone, source, layer, mode, prune, encoding, crs, mapping, from_layer, where, snap, default_status, fix, by, lang) -> None:
    """Import SOURCE (.shp, .geojson, .gpkg, .kml, .dxf) into ZONE.

    Fields named DKBH/地块编号, ZT/状态, QYMC/企业名称, TZE/投资额 … are
    recognised; statuses may be Chinese (已入驻, 已开发, 未开发). The result
    is validated before it is written; every change goes to the history.
    """
    from zonemap.i18n import word
    from zonemap.intake.importer import import_source
    from zonemap.intake.sources import read_summary

    def say(code: str, **fields) -> None:
        click.echo(terminal_text(word(code, lang, **fields)), err=True)

    def announce(read) -> None:
        say("intake_encoding", encoding=read.encoding)
        click.echo(terminal_text(read_summary(read, lang)), err=True)
        for note in read.notes:
            say("intake_note", note=note)

    report = import_source(
        zone, source, layer=layer, mode=mode, mapping=mapping, encoding=encoding, crs=crs,
        from_layer=from_layer, where=where, prune=prune, fix=fix, default_status=default_status, by=by, snap=snap, on_read=announce,
    )
    if report.fields:
        say("intake_fields", fields=", ".join(f"{field}←{column}" for field, column in report.fields.items()))
    if report.unmapped:
        unfilled = report.unfilled or ["note"]
        say("intake_unmapped", fields=", ".join(report.unmapped), unfilled=", ".join(unfilled), example=f"{unfilled[-1]}={report.unmapped[0]}")
    for line in report.fixes:
        say("intake_fixed", line=line)
    print_warnings(report.warnings)
    for line in report.declared:
        warn(f"[area_mismatch] {line}")
    done = {"zone": zone, "source": report.source.path.name, "mode": word(f"intake_mode.{report.mode}", lang)}
    if layer == "parcels":
        counts = {"added": len(report.added), "updated": len(report.updated), "removed": len(report.removed), "unchanged": report.unchanged}
        kept = word("intake_kept", lang, kept=report.kept) if report.kept else ""
        click.echo(terminal_text(word("intake_done", lang, **done, **counts) + kept))
    else:
        click.echo(terminal_text(word("intake_layer_done", lang, **done, layer=layer, count=len(report.added))))
