"""``zonemap import``: bring a planner's file into a zone."""

from __future__ import annotations

import click

from zonemap.cli.options import crs_option, editor_option, encoding_option, mapping_option, print_problems, print_warnings, snap_option, warn, zone_file_argument


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
@print_problems
def import_(zone, source, layer, mode, prune, encoding, crs, mapping, from_layer, where, snap, default_status, fix, by) -> None:
    """Import SOURCE (.shp, .geojson, .gpkg, .kml, .dxf) into ZONE.

    Fields named DKBH/地块编号, ZT/状态, QYMC/企业名称, TZE/投资额 … are
    recognised; statuses may be Chinese (已入驻, 已开发, 未开发). The result
    is validated before it is written; every change goes to the history.
    """
    from zonemap.i18n import word
    from zonemap.intake.importer import import_source
    from zonemap.intake.sources import read_summary

    def announce(read) -> None:
        click.echo(f"encoding 编码: {read.encoding}", err=True)
        click.echo(read_summary(read), err=True)
        for note in read.notes:
            click.echo(f"note: {note}", err=True)

    report = import_source(
        zone, source, layer=layer, mode=mode, mapping=mapping, encoding=encoding, crs=crs,
        from_layer=from_layer, where=where, prune=prune, fix=fix, default_status=default_status, by=by, snap=snap, on_read=announce,
    )
    if report.fields:
        click.echo("fields 字段: " + ", ".join(f"{field}←{column}" for field, column in report.fields.items()), err=True)
    if report.unmapped:
        unfilled = report.unfilled or ["note"]
        click.echo(word("intake_unmapped", "en", fields=", ".join(report.unmapped), unfilled=", ".join(unfilled),
                        example=f"{unfilled[-1]}={report.unmapped[0]}"), err=True)
    for line in report.fixes:
        click.echo(f"fixed: {line}", err=True)
    print_warnings(report.warnings)
    for line in report.declared:
        warn(f"[area_mismatch] {line}")
    if layer == "parcels":
        click.echo(
            f"{zone}: {report.mode} from {report.source.path.name}: {len(report.added)} added, "
            f"{len(report.updated)} updated, {len(report.removed)} removed, {report.unchanged} unchanged"
            + (f", {report.kept} kept (not in the source; --prune removes them)" if report.kept else "")
        )
    else:
        click.echo(f"{zone}: {layer} {report.mode}d from {report.source.path.name}: {len(report.added)} features")
