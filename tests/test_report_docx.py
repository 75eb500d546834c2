"""`zonemap report -o 报告.docx`, read back with python-docx."""

from __future__ import annotations

import json

import docx
import shapely

SECTIONS_ZH = ["用地现状图", "面积台账", "指标", "入驻企业", "意向项目", "示例工业集中区 2025年度亩均效益评价", "数据检查", "图表"]


def test_docx_report_has_the_sections_real_tables_the_clis_figures_and_the_print_map(cli, sample_copy, tmp_path):
    out = tmp_path / "报告.docx"
    result = cli("report", sample_copy, "-o", out)
    assert result.returncode == 0, result.stderr
    ledger = json.loads(cli("areas", sample_copy, "--json").stdout)
    figures = json.loads(cli("indicators", sample_copy, "--json").stdout)
    document = docx.Document(out)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == SECTIONS_ZH

    ledger_table, indicator_table, tenant_table = document.tables[:3]
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in ledger_table.rows}
    assert rows["边界实测"][1] == f"{ledger['boundary']:,.2f}"
    assert rows["剩余用地"][1] == f"{ledger['remaining']:,.2f}"
    assert rows["已入驻"][3] == str(ledger["by_status"]["tenant"]["parcels"])
    assert len(indicator_table.rows) == 1 + len(figures["indicators"])
    assert [row.cells[0].text for row in tenant_table.rows[1:]] == [t["tenant"] for t in figures["tenants"]]

    # The print map, the evaluation's chart and the two charts, as pictures.
    assert len(document.inline_shapes) == 4
    blobs = [document.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob for shape in document.inline_shapes]
    assert all(blob.startswith(b"\x89PNG") for blob in blobs)


def test_docx_keeps_names_from_the_data_as_text(cli, make_zone, tmp_path):
    name = '<w:p>惠&实业</w:p> "A"'
    zone = make_zone(
        boundary=shapely.box(40525000, 3706000, 40525200, 3706100),
        parcels=[{"geometry": shapely.box(40525000, 3706000, 40525100, 3706100), "parcel_id": "H1", "status": "tenant", "tenant": name, "investment_wan": 100.0}],
    )
    out = tmp_path / "r.docx"
    result = cli("report", zone, "-o", out, "--lang", "en")
    assert result.returncode == 0, result.stderr
    tenants = docx.Document(out).tables[2]
    assert tenants.rows[1].cells[0].text == name
