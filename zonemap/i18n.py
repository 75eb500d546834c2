"""Every word a user reads, in Chinese and English: one table keyed by code.

The library returns codes and numbers; renderers and the command line turn
them into words here, so each page or output is wholly in one language.
Add a word as one line ``"code": ("中文", "English")`` in the section of the
concern it belongs to; ``{name}`` placeholders are filled by :func:`word`.

Examples
--------
>>> word("parcels", "zh")
'地块'
>>> word("title", "en", zone="Hexi")
'Hexi: land status'
"""

from __future__ import annotations

LANGS: tuple[str, ...] = ("zh", "en")

#: The map page (zonemap map) and the panels the report shares with it.
_MAP: dict[str, tuple[str, str]] = {
    "title": ("{zone} 用地现状图", "{zone}: land status"),
    "compare_title": ("{zone} 用地变化对比图", "{zone}: what changed"),
    "change": ("变化", "Change"),
    "parcels": ("地块", "Parcels"),
    "labels": ("地块标注", "Parcel labels"),
    "boundary": ("园区边界", "Zone boundary"),
    "roads": ("道路", "Roads"),
    "buildings": ("建筑", "Buildings"),
    "building_class": ("建筑（{use}）", "Buildings ({use})"),
    "legend": ("图例", "Legend"),
    "parcels_count": ("地块数", "Parcels"),
    "area_unit": ("面积（亩）", "Area (mu)"),
    "summary": ("面积台账（亩）", "Area ledger (mu)"),
    "planned": ("规划面积", "Planned"),
    "boundary_measured": ("边界实测", "Boundary (measured)"),
    "developed_total": ("已开发面积", "Developed total"),
    "tenant": ("其中已入驻", "of which let to tenants"),
    "remaining": ("剩余用地", "Remaining"),
    "ready": ("可即供地（已开发待入驻）", "Ready (developed, not let)"),
    "raw": ("待开发（未开发＋未划分）", "Raw (vacant + unparcelled)"),
    "roads_area": ("道路", "Roads"),
    "developed_share": ("已开发占边界", "Developed share of boundary"),
    "parcel_id": ("地块编号", "Parcel"),
    "status": ("状态", "Status"),
    "tenant_name": ("入驻企业", "Tenant"),
    "investment": ("投资额", "Investment"),
    "area": ("面积", "Area"),
    "intensity": ("投资强度", "Investment intensity"),
    "land_use": ("用地性质", "Land use"),
    "note": ("备注", "Note"),
    "road_name": ("名称", "Name"),
    "axis": ("走向", "Axis"),
    "width": ("宽度", "Width"),
    "building": ("名称", "Name"),
    "building_id": ("编号", "ID"),
    "use": ("使用状态", "Use"),
    "floors": ("层数", "Floors"),
    "floor_area": ("建筑面积", "Floor area"),
    "NS": ("南北向", "north–south"),
    "EW": ("东西向", "east–west"),
    "in_use": ("在用", "In use"),
    "idle": ("闲置", "Idle"),
    "wan": ("万元", "×10⁴ yuan"),
    "wan_per_mu": ("万元/亩", "×10⁴ yuan/mu"),
    "metre": ("米", "m"),
    "storeys": ("层", ""),
    "search": ("搜索地块编号或企业名称", "Search parcel id or tenant"),
    "no_results": ("无结果", "No match"),
    "measure": ("测量距离/面积", "Measure"),
    "measure_stop": ("结束测量", "Stop measuring"),
    "distance": ("距离", "Distance"),
    "gcj02_note": (
        "底图为高德地图（GCJ-02坐标）：地块、边界和道路已由WGS84偏移至GCJ-02以与底图对齐。",
        "Basemap: AMap (GCJ-02). Parcels, boundary and roads are shifted from WGS84 to GCJ-02 to line up with it.",
    ),
    "browser_too_old": (
        "此浏览器版本过旧，无法显示地块：请用新版 Edge、Chrome、Firefox 或 Safari（2023 年以后）打开本文件。",
        "This browser is too old to draw the parcels: open this file in a current Edge, Chrome, Firefox or Safari (2023 or later).",
    ),
    "osm": ("OpenStreetMap", "OpenStreetMap"),
    "tianditu": ("天地图矢量", "Tianditu"),
    "tianditu_labels": ("天地图注记", "Tianditu labels"),
    "gaode": ("高德地图", "AMap (Gaode)"),
    "satellite": ("卫星影像", "Satellite"),
}

#: Investors, holds, tenants' results and the 亩均效益 evaluation (prospect, hold, zone set, results, evaluate).
_BUSINESS: dict[str, tuple[str, str]] = {
    "stage_intent": ("意向", "intent"),
    "stage_negotiating": ("洽谈", "negotiating"),
    "stage_signed": ("签约", "signed"),
    "stage_landed": ("落地", "landed"),
    "stage_dropped": ("放弃", "dropped"),
    "prospect": ("项目", "Prospect"),
    "prospects_title": ("{zone} 意向项目", "{zone}: prospects"),
    "no_prospects": ("无意向项目", "no prospects recorded"),
    "industry": ("行业", "Industry"),
    "stage": ("阶段", "Stage"),
    "need_mu": ("需地（亩）", "Need (mu)"),
    "target_intensity": ("目标强度（万元/亩）", "Target (×10⁴ yuan/mu)"),
    "wanted_buildings": ("意向厂房", "Buildings wanted"),
    "contact": ("联系", "Contact"),
    "since": ("登记日期", "Since"),
    "held": ("预留", "Held"),
    "held_until": ("预留至 {until}", "held until {until}"),
    "zone_name": ("园区名称", "Zone name"),
    "infrastructure": ("基础设施投入（万元）", "Infrastructure (×10⁴ yuan)"),
    "approved_by": ("批准机关", "Approved by"),
    "approved_on": ("批准日期", "Approved on"),
    "evaluation_title": ("{zone} {year}年度亩均效益评价", "{zone}: land-use efficiency evaluation, {year}"),
    "class": ("评价类别", "Class"),
    "land_mu": ("用地（亩）", "Land (mu)"),
    "tax": ("税收（万元）", "Tax (×10⁴ yuan)"),
    "output": ("产值（万元）", "Output (×10⁴ yuan)"),
    "tax_per_mu": ("亩均税收（万元/亩）", "Tax per mu"),
    "output_per_mu": ("亩均产值（万元/亩）", "Output per mu"),
    "revenue_per_mu": ("亩均营业收入（万元/亩）", "Revenue per mu"),
    "tax_per_tce": ("单位能耗税收（万元/吨标煤）", "Tax per tce"),
    "tax_per_employee": ("人均税收（万元/人）", "Tax per employee"),
    "low_yield": ("低效用地（C类以下）", "Low-yield land (below class C)"),
    "unlet": ("已开发逾 {years} 年未出让", "Developed, not let for over {years} years"),
    "idle_buildings": ("闲置厂房", "Idle buildings"),
    "no_results_year": ("无 {year} 年度数据", "no results for {year}"),
    "no_land": ("无入驻用地", "no tenant land"),
    "illustrative_thresholds": ("示意标准（非正式文件）", "illustrative thresholds, not an official scheme"),
    "holds": ("预留用地", "Held for prospects"),
    "held_for": ("预留给", "Held for"),
    "until": ("预留至", "Until"),
    "class_title": ("{zone} 亩均效益评价图（{year}年）", "{zone}: land-use efficiency classes, {year}"),
    "class_label": ("{grade}类", "Class {grade}"),
    "class_none": ("未评价", "Not evaluated"),
    "wb_sheet_evaluation": ("亩均效益评价", "Efficiency evaluation"),
    "year": ("年度", "Year"),
}

#: Bringing a planner's file in (zonemap inspect / import).
_INTAKE: dict[str, tuple[str, str]] = {
    "intake_read": ("读取 {name} 图层 {layer}：{count} 个要素（{types}）", "read {name} layer {layer}: {count} features ({types})"),
    "intake_matched": ("--where 筛选出 {matched} 个（共 {total} 个）", "--where matched {matched} of {total}"),
    "intake_dropped": ("未导入：{items}", "left out: {items}"),
}

#: The Excel 台账 (zonemap export ZONE 台账.xlsx): sheet names and column headers.
_WORKBOOK: dict[str, tuple[str, str]] = {
    "wb_sheet_ledger": ("面积台账", "Area ledger"),
    "wb_sheet_parcels": ("地块清单", "Parcels"),
    "wb_sheet_tenants": ("入驻企业", "Tenants"),
    "wb_sheet_prospects": ("意向项目", "Prospects"),
    "wb_sheet_indicators": ("指标", "Indicators"),
    "wb_sheet_history": ("变更记录", "Change log"),
    "wb_item": ("项目", "Item"),
    "wb_area_mu": ("面积（亩）", "Area (mu)"),
    "wb_area_m2": ("面积（平方米）", "Area (m²)"),
    "wb_parcels": ("地块数", "Parcels"),
    "wb_share": ("占边界", "Share of boundary"),
    "wb_parcel_id": ("地块编号", "Parcel"),
    "wb_status": ("状态", "Status"),
    "wb_tenant": ("入驻企业", "Tenant"),
    "wb_land_use": ("用地性质", "Land use"),
    "wb_investment": ("投资额（万元）", "Investment (×10⁴ yuan)"),
    "wb_intensity_mu": ("亩均投资（万元/亩）", "Intensity (×10⁴ yuan/mu)"),
    "wb_intensity_ha": ("投资强度（万元/公顷）", "Intensity (×10⁴ yuan/ha)"),
    "wb_floor_area": ("建筑面积（平方米）", "Floor area (m²)"),
    "wb_note": ("备注", "Note"),
    "wb_updated": ("更新日期", "Updated"),
    "wb_parcel_ids": ("地块", "Parcels"),
    "wb_name": ("项目名称", "Project"),
    "wb_industry": ("行业", "Industry"),
    "wb_need_mu": ("需地（亩）", "Needs (mu)"),
    "wb_stage": ("阶段", "Stage"),
    "wb_indicator": ("指标", "Indicator"),
    "wb_value": ("数值", "Value"),
    "wb_unit": ("单位", "Unit"),
    "wb_formula": ("公式", "Formula"),
    "wb_inputs": ("输入", "Inputs"),
    "wb_reason": ("说明", "Why n/a"),
    "wb_at": ("时间", "When"),
    "wb_action": ("操作", "Action"),
    "wb_field": ("字段", "Field"),
    "wb_old": ("原值", "Old"),
    "wb_new": ("新值", "New"),
    "wb_by": ("操作人", "By"),
}

#: Printed pages: the print map (zonemap print) and the 界址点坐标表 (zonemap corners).
_PRINT: dict[str, tuple[str, str]] = {
    "corners_title": ("界址点坐标表", "Boundary point coordinates"),
    "corners_parcel": ("宗地编号：{parcel}", "Parcel: {parcel}"),
    "corners_ring": ("环", "Ring"),
    "corners_point": ("点号", "Point"),
    "corners_x": ("X（北，米）", "X (north, m)"),
    "corners_y": ("Y（东，米）", "Y (east, m)"),
    "corners_edge": ("边长（米）", "Edge (m)"),
    "corners_outer": ("外边界{part}", "Outer {part}"),
    "corners_hole": ("内边界{part}", "Hole in {part}"),
    "corners_area": (
        "面积：{m2} 平方米（{mu} 亩），由上表坐标计算",
        "Area: {m2} m² ({mu} mu), from the coordinates above",
    ),
    "corners_crs": ("坐标系：{crs}", "Coordinate system: {crs}"),
    "corners_neighbours": ("相邻地块：{ids}", "Neighbouring parcels: {ids}"),
    "corners_none": ("无", "none"),
    "print_north": ("北", "N"),
    "print_legend": ("图例", "Legend"),
    "print_legend_row": ("{label}  {parcels}块 {area}亩", "{label}  {parcels} · {area} mu"),
    "print_legend_area": ("{label}  {area}亩", "{label}  {area} mu"),
    "print_scale": ("比例尺 1:{ratio}", "Scale 1:{ratio}"),
    "print_crs": ("坐标系：{crs}", "Coordinate system: {crs}"),
    "print_by": ("制图单位：{by}", "Mapped by: {by}"),
    "print_date": ("制图日期：{date}", "Map date: {date}"),
    "print_source": ("数据来源：{source}", "Data source: {source}"),
    "print_source_updated": ("{file}（数据更新至 {date}）", "{file} (data as of {date})"),
    "print_compare": ("对比：{old} → {new}", "Compared: {old} → {new}"),
    "print_metre": ("米", "m"),
    "crs_cgcs2000": ("2000国家大地坐标系", "CGCS2000"),
    "crs_xian80": ("1980西安坐标系", "Xian 1980"),
    "crs_beijing54": ("1954北京坐标系", "Beijing 1954"),
    "crs_wgs84": ("WGS84坐标系", "WGS 84"),
    "crs_gk_zone": ("{degrees}°带 第{zone}带", "{degrees}° zone {zone}"),
    "crs_band": ("{degrees}°带", "{degrees}° zone,"),
    "crs_central_meridian": ("中央子午线 {lon}°", "central meridian {lon}°"),
}

#: Every section above, merged: code → (zh, en).
WORDS: dict[str, tuple[str, str]] = {**_MAP, **_INTAKE, **_WORKBOOK, **_PRINT, **_BUSINESS}


def word(code: str, lang: str = "zh", /, **fields: object) -> str:
    """The text of ``code`` in ``lang`` (``zh`` or ``en``), placeholders filled from ``fields``."""
    text = WORDS[code][LANGS.index(lang)]
    return text.format(**fields) if fields else text


def table(lang: str) -> dict[str, str]:
    """Every word in ``lang``, code → text (for templates and the page's script)."""
    index = LANGS.index(lang)
    return {code: texts[index] for code, texts in WORDS.items()}
