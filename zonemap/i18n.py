"""Every word a user reads, in Chinese and English: one table keyed by code.

The library returns codes and numbers; renderers and the command line turn
them into words here, so each page or output is wholly in one language.
Add a word as one line ``"code": ("中文", "English")`` in the section of the
concern it belongs to; ``{name}`` placeholders are filled by :func:`word`.
Codes are unique across sections: each section but the map's prefixes its
codes with its concern (``status.tenant``, ``unit.mu``, ``report.title``),
and :func:`table` gives one section's words with the prefix taken off.
Land-use codes are named by :func:`land_use_name`; Chinese names sort by
their pinyin with :func:`sort_key`.

Examples
--------
>>> word("parcels", "zh")
'地块'
>>> word("title", "en", zone="Hexi")
'Hexi: land status'
>>> word("status.tenant", "zh")
'已入驻'
>>> land_use_name("100101", "zh")
'100101 一类工业用地'
>>> sorted(["江苏钢管", "淮安电机", "阿里"], key=sort_key)
['阿里', '淮安电机', '江苏钢管']
"""

from __future__ import annotations

from typing import NamedTuple

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

#: Parcel statuses (zonemap.status).
_STATUS: dict[str, tuple[str, str]] = {
    "status.developed": ("已开发待入驻", "Developed, not let"),
    "status.vacant": ("未开发", "Vacant"),
    "status.tenant": ("已入驻", "Tenant"),
}

#: Area units (zonemap.units).
_UNITS: dict[str, tuple[str, str]] = {
    "unit.mu": ("亩", "mu"),
    "unit.m2": ("平方米", "m²"),
    "unit.ha": ("公顷", "ha"),
}

#: The ledger's figures other than the statuses (zonemap.areas).
_LEDGER: dict[str, tuple[str, str]] = {
    "ledger.planned": ("规划面积", "Planned"),
    "ledger.boundary": ("边界实测", "Boundary (measured)"),
    "ledger.roads": ("道路", "Roads"),
    "ledger.unparcelled": ("未划分地块", "Unparcelled"),
    "ledger.developed_total": ("已开发合计", "Developed total"),
    "ledger.remaining": ("剩余用地", "Remaining"),
    "ledger.ready": ("可即供地", "Ready (serviced)"),
    "ledger.raw": ("待开发", "Raw (vacant + unparcelled)"),
    "ledger.held": ("其中预留", "of which held for prospects"),
    "ledger.title": ("面积台账", "Area ledger"),
}

#: Area methods.
_METHODS: dict[str, tuple[str, str]] = {
    "method.ellipsoidal": ("椭球面积（同三调、QGIS $area）", "ellipsoidal (as the national land survey and QGIS $area)"),
    "method.planar": ("投影平面面积（同CAD）", "planar (as CAD drawings)"),
}

#: Stages of a prospect.
_STAGES: dict[str, tuple[str, str]] = {
    "stage.intent": ("意向", "intent"),
    "stage.negotiating": ("洽谈中", "negotiating"),
    "stage.signed": ("已签约", "signed"),
}

#: The land report (zonemap report).
_REPORT: dict[str, tuple[str, str]] = {
    "report.title": ("用地报告", "Land report"),
    "report.generated": ("生成日期", "Generated"),
    "report.method": ("面积算法", "Area method"),
    "report.ledger": ("面积台账", "Area ledger"),
    "report.item": ("项目", "Item"),
    "report.area": ("面积（亩）", "Area (mu)"),
    "report.share": ("占边界", "Share of boundary"),
    "report.parcels": ("地块数", "Parcels"),
    "report.parcel_ids": ("地块", "Parcels"),
    "report.indicators": ("指标", "Indicators"),
    "report.indicator": ("指标", "Indicator"),
    "report.value": ("数值", "Value"),
    "report.formula": ("公式", "Formula"),
    "report.inputs": ("输入", "Inputs"),
    "report.tenants": ("入驻企业", "Tenants"),
    "report.tenant": ("企业", "Tenant"),
    "report.investment": ("投资（万元）", "Investment (10⁴ yuan)"),
    "report.intensity_mu": ("万元/亩", "10⁴ yuan/mu"),
    "report.intensity_ha": ("万元/公顷", "10⁴ yuan/ha"),
    "report.prospects": ("意向项目", "Prospects"),
    "report.prospect": ("项目", "Prospect"),
    "report.industry": ("行业", "Industry"),
    "report.stage": ("阶段", "Stage"),
    "report.need": ("需地（亩）", "Need (mu)"),
    "report.fits": ("最佳选址", "Best sites"),
    "report.serviced": ("已配套", "serviced"),
    "report.checks": ("数据检查", "Data checks"),
    "report.checks_ok": ("未发现问题。", "No problems found."),
    "report.errors": ("错误", "errors"),
    "report.warnings": ("警告", "warnings"),
    "report.charts": ("图表", "Charts"),
    "report.chart_land": ("各类用地面积（亩）", "Land by use (mu)"),
    "report.chart_intensity": ("入驻企业投资强度（万元/亩）", "Investment intensity per tenant (10⁴ yuan/mu)"),
    "report.zone_intensity": ("园区平均", "zone"),
    "report.no_tenants": ("暂无入驻企业投资数据", "no tenant investment recorded yet"),
    "report.map": ("用地现状图", "Land-use map"),
    "report.asks_for": ("意向地块", "asks for"),
    "report.none": ("无", "none"),
}

#: Indicators (zonemap.indicators): names, formulas, the inputs they name, why one is n/a.
_INDICATORS: dict[str, tuple[str, str]] = {
    "indicator.land_development_rate": ("土地开发率", "Land development rate"),
    "indicator.supply_rate": ("土地供应率", "Land supply rate"),
    "indicator.built_up_rate": ("土地建成率", "Built-up rate"),
    "indicator.floor_area_ratio": ("综合容积率", "Floor-area ratio of tenant land"),
    "indicator.building_coverage": ("建筑密度", "Building coverage of tenant land"),
    "indicator.investment_intensity_mu": ("固定资产投资强度（亩均）", "Fixed-asset investment intensity (per mu)"),
    "indicator.investment_intensity_ha": ("固定资产投资强度（公顷）", "Fixed-asset investment intensity (per ha)"),
    "indicator.infrastructure_per_developed_mu": ("亩均基础设施投入", "Infrastructure investment per developed mu"),
    "indicator.reused_buildings": ("盘活存量厂房", "Re-used stock buildings"),
    "indicator.reused_floor_area": ("盘活存量厂房建筑面积", "Floor area of re-used stock buildings"),
    "indicator.idle_buildings": ("闲置存量厂房", "Idle stock buildings"),
    "formula.land_development_rate": ("已开发面积 ÷ (边界面积 − 道路面积)", "developed total ÷ (boundary − roads)"),
    "formula.supply_rate": ("已入驻面积 ÷ 已开发面积", "tenant land ÷ developed total"),
    "formula.built_up_rate": ("有在用建筑的已入驻地块面积 ÷ 已入驻面积", "tenant parcels with an in-use building ÷ tenant land"),
    "formula.floor_area_ratio": ("已入驻地块总建筑面积 ÷ 已入驻面积", "floor area on tenant land ÷ tenant land"),
    "formula.building_coverage": ("已入驻地块建筑基底面积 ÷ 已入驻面积", "building footprints on tenant land ÷ tenant land"),
    "formula.investment_intensity_mu": ("已入驻地块固定资产投资 ÷ 已入驻面积（亩）", "fixed-asset investment on tenant land ÷ tenant land (mu)"),
    "formula.investment_intensity_ha": ("已入驻地块固定资产投资 ÷ 已入驻面积（公顷）", "fixed-asset investment on tenant land ÷ tenant land (ha)"),
    "formula.infrastructure_per_developed_mu": ("基础设施投入 ÷ 已开发面积", "infrastructure investment ÷ developed total"),
    "formula.reused_buildings": ("在用存量厂房栋数", "stock buildings in use"),
    "formula.reused_floor_area": ("在用存量厂房建筑面积之和", "floor area of stock buildings in use"),
    "formula.idle_buildings": ("闲置存量厂房栋数", "stock buildings standing idle"),
    "input.developed_total_mu": ("已开发面积（亩）", "developed total (mu)"),
    "input.boundary_mu": ("边界面积（亩）", "boundary (mu)"),
    "input.roads_mu": ("道路面积（亩）", "roads (mu)"),
    "input.tenant_mu": ("已入驻面积（亩）", "tenant land (mu)"),
    "input.tenant_ha": ("已入驻面积（公顷）", "tenant land (ha)"),
    "input.tenant_m2": ("已入驻面积（平方米）", "tenant land (m²)"),
    "input.built_tenant_mu": ("有在用建筑的已入驻面积（亩）", "tenant land with an in-use building (mu)"),
    "input.built_parcels": ("有在用建筑的地块", "parcels with an in-use building"),
    "input.floor_area_m2": ("建筑面积（平方米）", "floor area (m²)"),
    "input.footprint_m2": ("建筑基底面积（平方米）", "footprints (m²)"),
    "input.investment_wan": ("投资额（万元）", "investment (10⁴ yuan)"),
    "input.infrastructure_wan": ("基础设施投入（万元）", "infrastructure (10⁴ yuan)"),
    "input.buildings": ("建筑", "buildings"),
    "reason.no_usable_land": ("边界扣除道路后无面积", "boundary minus roads is empty"),
    "reason.no_developed_land": ("无已开发用地", "no developed land"),
    "reason.no_tenants": ("无已入驻地块", "no tenant parcels"),
    "reason.no_buildings": ("buildings 图层未登记建筑", "no buildings recorded in the buildings layer"),
    "reason.no_use": ("建筑均未填使用状态", "no building has a use (in_use / idle); import it with --map use=FIELD"),
    "reason.no_floor_area": ("建筑 {buildings} 缺建筑面积和层数", "building(s) {buildings} have neither floor_area_m2 nor floors"),
    "reason.no_investment": ("已入驻地块 {parcels} 缺投资额", "tenant parcel(s) {parcels} have no investment_wan"),
    "reason.no_infrastructure": ("边界未填基础设施投入", "the boundary has no infrastructure_wan"),
    "wan_per_ha": ("万元/公顷", "×10⁴ yuan/ha"),
    "na": ("无法计算", "n/a"),
    "no_tenant_name": ("（未填）", "(none)"),
    "count_buildings": ("{n:.0f} 栋", "{n:.0f}"),
}

#: Kinds of change between two versions of a zone (zonemap.diff, map --compare).
_CHANGES: dict[str, tuple[str, str]] = {
    "change.added": ("新增", "Added"),
    "change.split": ("分割所得", "Split from a parcel"),
    "change.merged": ("合并所得", "Merged from parcels"),
    "change.status": ("状态变化", "Status changed"),
    "change.tenant": ("企业变化", "Tenant changed"),
    "change.area": ("面积变化", "Area changed"),
    "change.unchanged": ("无变化", "Unchanged"),
    "change.removed": ("已删除（旧版本）", "Removed (old version)"),
}

#: What changed between two versions (zonemap diff): one line per event.
_DIFF: dict[str, tuple[str, str]] = {
    "diff.versions": ("{old}（{old_date}）→ {new}（{new_date}）", "{old} ({old_date}) → {new} ({new_date})"),
    "diff.split": ("÷ 分割 {old} → {new}", "÷ split {old} → {new}"),
    "diff.merged": ("∪ 合并 {old} → {new}", "∪ merged {old} → {new}"),
    "diff.reshaped": ("⟳ 重新划分 {old} → {new}", "⟳ re-parcelled {old} → {new}"),
    "diff.added": ("+ 新增 {new}", "+ added {new}"),
    "diff.removed": ("- 删除 {old}", "- removed {old}"),
    "diff.changed": ("~ {parcel}：{changes}", "~ {parcel}: {changes}"),
    "diff.parcel": ("{parcel}（{details}）", "{parcel} ({details})"),
    "diff.field": ("{field} {old} → {new}", "{field} {old} → {new}"),
    "diff.none": ("地块无变化", "no parcel changed"),
    "diff.ledger": ("面积台账（{unit}）", "Area ledger ({unit})"),
    "diff.old": ("旧", "old"),
    "diff.new": ("新", "new"),
    "diff.change": ("变化", "change"),
    "field.area": ("面积", "area"),
    "list_sep": ("、", ", "),
    "detail_sep": ("，", ", "),
    "clause_sep": ("；", "; "),
}

#: Messages of the command line that have words in both languages.
_CLI: dict[str, tuple[str, str]] = {
    "cli.nothing_changed": ("{parcel}：无变化", "{parcel}: nothing changed"),
    "cli.no_history": ("无变更记录", "no changes recorded"),
    "cli.no_history_for": ("{parcel} 无变更记录", "no changes recorded for {parcel}"),
    "field.status": ("状态", "status"),
    "field.tenant": ("入驻企业", "tenant"),
    "field.investment_wan": ("投资额（万元）", "investment (10⁴ yuan)"),
    "field.note": ("备注", "note"),
    "field.land_use": ("用地性质", "land use"),
    "field.at": ("时间", "at"),
    "field.parcel_id": ("地块", "parcel"),
    "field.action": ("操作", "action"),
    "field.field": ("字段", "field"),
    "field.old": ("原值", "old"),
    "field.new": ("新值", "new"),
    "field.by": ("操作人", "by"),
    "field.name": ("名称", "name"),
    "field.industry": ("行业", "industry"),
    "field.stage": ("阶段", "stage"),
    "field.need_mu": ("需地（亩）", "need (mu)"),
    "field.intensity_wan_per_mu": ("目标强度（万元/亩）", "target intensity (×10⁴ yuan/mu)"),
    "field.buildings": ("意向厂房", "buildings wanted"),
    "field.contact": ("联系", "contact"),
    "field.since": ("登记日期", "since"),
    "field.parcels": ("地块", "parcels"),
    "field.planned_mu": ("规划面积（亩）", "planned area (mu)"),
    "field.infrastructure_wan": ("基础设施投入（万元）", "infrastructure (×10⁴ yuan)"),
    "field.approved_by": ("批准机关", "approved by"),
    "field.approved_on": ("批准日期", "approved on"),
    "action.update": ("修改", "update"),
    "action.split": ("分割", "split"),
    "action.merge": ("合并", "merge"),
    "action.create": ("新建", "create"),
    "action.import": ("导入", "import"),
}

#: Land-use codes an industrial zone meets, in the two Chinese schemes: the
#: 国土空间调查、规划、用途管制用地用海分类 (2023, what plans now use; six
#: digits at the third level) and GB/T 21010-2017 土地利用现状分类 (what the
#: third national land survey 三调 records as DLBM). Four-digit codes that mean
#: different land in the two schemes are named in both.
_LAND_USE_PLAN: dict[str, tuple[str, str]] = {
    "land_use.plan.0101": ("水田", "Paddy field"),
    "land_use.plan.0102": ("水浇地", "Irrigated land"),
    "land_use.plan.0103": ("旱地", "Dry land"),
    "land_use.plan.0701": ("城镇住宅用地", "Urban residential land"),
    "land_use.plan.0702": ("城镇社区服务设施用地", "Urban community service land"),
    "land_use.plan.0703": ("农村宅基地", "Rural homesteads"),
    "land_use.plan.0802": ("科研用地", "Research land"),
    "land_use.plan.0901": ("商业用地", "Commercial land"),
    "land_use.plan.0902": ("商务金融用地", "Business and finance land"),
    "land_use.plan.10": ("工矿用地", "Industrial and mining land"),
    "land_use.plan.1001": ("工业用地", "Industrial land"),
    "land_use.plan.100101": ("一类工业用地", "Class-1 industrial land"),
    "land_use.plan.100102": ("二类工业用地", "Class-2 industrial land"),
    "land_use.plan.100103": ("三类工业用地", "Class-3 industrial land"),
    "land_use.plan.1002": ("采矿用地", "Mining land"),
    "land_use.plan.11": ("仓储用地", "Storage land"),
    "land_use.plan.1101": ("物流仓储用地", "Logistics and warehousing land"),
    "land_use.plan.110101": ("一类物流仓储用地", "Class-1 logistics land"),
    "land_use.plan.110102": ("二类物流仓储用地", "Class-2 logistics land"),
    "land_use.plan.110103": ("三类物流仓储用地", "Class-3 logistics land"),
    "land_use.plan.1102": ("储备库用地", "Reserve depot land"),
    "land_use.plan.1207": ("城镇道路用地", "Urban road land"),
    "land_use.plan.1208": ("交通场站用地", "Transport station land"),
    "land_use.plan.13": ("公用设施用地", "Public utility land"),
    "land_use.plan.1301": ("供水用地", "Water supply land"),
    "land_use.plan.1302": ("排水用地", "Drainage land"),
    "land_use.plan.1303": ("供电用地", "Power supply land"),
    "land_use.plan.1304": ("供燃气用地", "Gas supply land"),
    "land_use.plan.1306": ("通信用地", "Telecommunications land"),
    "land_use.plan.1309": ("环卫用地", "Sanitation land"),
    "land_use.plan.1310": ("消防用地", "Fire station land"),
    "land_use.plan.1401": ("公园绿地", "Park green space"),
    "land_use.plan.1402": ("防护绿地", "Protective green belt"),
    "land_use.plan.1403": ("广场用地", "Square"),
    "land_use.plan.1704": ("坑塘水面", "Ponds"),
    "land_use.plan.1705": ("沟渠", "Ditches"),
    "land_use.plan.2301": ("空闲地", "Idle land"),
}
_LAND_USE_SURVEY: dict[str, tuple[str, str]] = {
    "land_use.survey.0101": ("水田", "Paddy field"),
    "land_use.survey.0102": ("水浇地", "Irrigated land"),
    "land_use.survey.0103": ("旱地", "Dry land"),
    "land_use.survey.0505": ("商务金融用地", "Business and finance land"),
    "land_use.survey.0601": ("工业用地", "Industrial land"),
    "land_use.survey.0602": ("采矿用地", "Mining land"),
    "land_use.survey.0604": ("仓储用地", "Storage land"),
    "land_use.survey.0701": ("城镇住宅用地", "Urban residential land"),
    "land_use.survey.0702": ("农村宅基地", "Rural homesteads"),
    "land_use.survey.0809": ("公用设施用地", "Public utility land"),
    "land_use.survey.0810": ("公园与绿地", "Parks and green space"),
    "land_use.survey.1001": ("铁路用地", "Railway land"),
    "land_use.survey.1003": ("公路用地", "Highway land"),
    "land_use.survey.1004": ("城镇村道路用地", "Urban and village road land"),
    "land_use.survey.1005": ("交通服务场站用地", "Transport service station land"),
    "land_use.survey.1006": ("农村道路", "Rural roads"),
    "land_use.survey.1104": ("坑塘水面", "Ponds"),
    "land_use.survey.1107": ("沟渠", "Ditches"),
    "land_use.survey.1201": ("空闲地", "Idle land"),
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
    "intake_unmapped": ("未导入的字段：{fields}；用 --map FIELD=SRCFIELD 保留（FIELD 为 {unfilled} 之一，例如 --map {example}）",
                        "not imported: {fields}; keep one with --map FIELD=SRCFIELD (FIELD one of {unfilled}; e.g. --map {example})"),
    "intake_encoding": ("编码：{encoding}", "encoding: {encoding}"),
    "intake_encoding_why": ("编码：{encoding} — {reason}", "encoding: {encoding} — {reason}"),
    "intake_note": ("说明：{note}", "note: {note}"),
    "intake_fields": ("字段：{fields}", "fields: {fields}"),
    "intake_fixed": ("已修复：{line}", "fixed: {line}"),
    "intake_done": ("{zone}：从 {source} {mode}：新增 {added}，修改 {updated}，删除 {removed}，未变 {unchanged}",
                    "{zone}: {mode} from {source}: {added} added, {updated} updated, {removed} removed, {unchanged} unchanged"),
    "intake_kept": ("，保留 {kept} 个（源文件中没有；--prune 会删除）", ", {kept} kept (not in the source; --prune removes them)"),
    "intake_layer_done": ("{zone}：{layer} 从 {source} {mode}：{count} 个要素", "{zone}: {layer} {mode} from {source}: {count} features"),
    "intake_mode.replace": ("替换", "replace"),
    "intake_mode.update": ("更新", "update"),
    "intake_mode.append": ("追加", "append"),
    "intake_table": ("图层 {layer}：{count} 行（无几何的属性表）", "layer {layer}: {count} rows (a table without geometry)"),
    "intake_layer": ("图层 {layer}：{count} 个要素（{types}）", "layer {layer}: {count} features ({types})"),
    "intake_crs": ("坐标系：{crs}", "CRS: {crs}"),
    "intake_no_crs": ("无 — 导入时请用 --crs EPSG:NNNN 指定", "none — give --crs EPSG:NNNN when importing"),
    "intake_bounds": ("范围：{bounds}", "bounds: {bounds}"),
    "intake_crs_refused": ("{warning}（zonemap import 会拒绝导入）", "{warning} (as `zonemap import` would refuse it)"),
    "intake_header_field": ("字段", "field"),
    "intake_header_type": ("类型", "type"),
    "intake_header_parcels": ("地块字段", "parcels"),
    "intake_header_samples": ("示例", "samples"),
    "intake_none": ("无", "none"),
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

#: What the reading commands print (areas, indicators, remaining, info, validate).
_OUTPUT: dict[str, tuple[str, str]] = {
    "out.ledger_title": ("{zone} — 面积台账（{method}，{unit}）", "{zone} — area ledger ({method}, {unit})"),
    "out.area": ("面积", "area"),
    "out.area_in": ("面积（{unit}）", "area ({unit})"),
    "out.share": ("占比", "share"),
    "out.parcels": ("地块", "parcels"),
    "out.none": ("（未填）", "(none)"),
    "out.grouped_by": ("按{field}分组", "by {field}"),
    "out.colon": ("：", ": "),
    "out.crs": ("坐标系", "CRS"),
    "out.created": ("已创建 {path}：{name}，{crs}，边界 {mu} 亩", "created {path}: {name}, {crs}, boundary {mu} mu"),
    "out.wrote": ("已写出 {path}", "wrote {path}"),
    "out.pushed": ("已将 {zone} 推送到 {location}：{counts}", "pushed {zone} to {location}: {counts}"),
    "out.pulled": ("已将 {location} 拉取到 {zone}：{counts}", "pulled {location} to {zone}: {counts}"),
    "out.wrote_map": ("已写出 {path}（{size}，{parcels} 个地块，底图 {basemap}）", "wrote {path} ({size}, {parcels} parcels, basemap {basemap})"),
    "out.wrote_print": ("已写出 {path}（{paper}{landscape}，1:{scale}，标注 {labelled}/{parcels} 个地块）",
                        "wrote {path} ({paper}{landscape}, 1:{scale}, {labelled} of {parcels} parcels labelled)"),
    "out.landscape": (" 横向", " landscape"),
    "out.results_imported": ("{year} 年：导入 {rows} 家企业{replaced}（{fields}）", "{year}: {rows} tenant(s) imported{replaced} ({fields})"),
    "out.results_replaced": ("，替换原有 {count} 条", ", replacing {count}"),
    "out.prospect_added": ("{name}：已登记（{stage}）", "{name}: added ({stage})"),
    "out.nothing_changed": ("无变化", "nothing changed"),
    "out.held": ("{parcel}：预留给 {prospect}，至 {until}", "{parcel}: held for {prospect} until {until}"),
    "out.held_was": ("{parcel}：预留给 {prospect}，至 {until}（原至 {was}）", "{parcel}: held for {prospect} until {until} (was {was})"),
    "out.already_held": ("已预留给 {prospect} 至同一日期：无变化", "already held for {prospect} until the same date: nothing changed"),
    "out.released": ("已解除预留：{parcels}", "released: {parcels}"),
    "out.nothing_held": ("无预留：无变化", "nothing held: nothing changed"),
    "out.piece": ("{parcel}：{mu} 亩（{m2} 平方米）", "{parcel}: {mu} mu ({m2} m²)"),
    "out.merged": ("{parcel}：{mu} 亩（{m2} 平方米），由 {parents} 合并", "{parcel}: {mu} mu ({m2} m²) from {parents}"),
    "out.piece_investment": ("，投资 {wan} 万元", ", investment {wan} ×10⁴ yuan"),
    "out.planned_mu": ("规划面积（亩）", "Planned (mu)"),
    "out.error": ("错误", "error"),
    "out.warning": ("警告", "warning"),
    "out.checked": ("{zone}：{errors} 个错误，{warnings} 个警告", "{zone}: {errors} error(s), {warnings} warning(s)"),
    "out.checked_ok": ("{zone}：无问题", "{zone}: OK, no problems"),
    "out.layer": ("图层", "layer"),
    "out.geometry": ("几何类型", "geometry"),
    "out.features": ("要素数", "features"),
    "out.table": ("属性表", "table"),
    "out.geometry.Polygon": ("面", "Polygon"),
    "out.geometry.MultiPolygon": ("多面", "MultiPolygon"),
    "out.geometry.LineString": ("线", "LineString"),
    "out.geometry.MultiLineString": ("多线", "MultiLineString"),
    "out.geometry.Point": ("点", "Point"),
    "out.geometry.MultiPoint": ("多点", "MultiPoint"),
    "out.indicators_title": ("{zone} — 指标（{method}）", "{zone} — indicators ({method})"),
    "out.area_mu": ("面积（亩）", "area (mu)"),
    "out.investment_wan": ("投资（万元）", "investment (×10⁴ yuan)"),
    "out.remaining_title": ("{zone} — 剩余用地（{unit}）", "{zone} — remaining land ({unit})"),
    "out.of_boundary": ("占边界", "of boundary"),
    "out.of_remaining": ("占剩余", "of remaining"),
    "out.sites_for": ("可容纳 {amount} 项目的地块（共 {total} 处，优者在前）", "sites for a project of {amount} ({total} found, best first)"),
    "out.status": ("现状", "status"),
    "out.serviced": ("已配套", "serviced"),
    "out.compact": ("紧凑度", "compact"),
    "out.yes": ("是", "yes"),
    "out.no": ("否", "no"),
    "out.largest_parcel": ("最大可用地块：{parcels}，{area}", "largest available site: {parcels}, {area}"),
    "out.largest_group": ("最大相邻地块组：{parcels}，{area}", "largest adjacent group: {parcels}, {area}"),
    "out.exceeds_remaining": ("{amount} 超过全部剩余用地 {total}", "{amount} exceeds all remaining land ({total})"),
    "out.all_remaining": ("全部剩余用地 {total}", "all remaining land {total}"),
    "out.prospects": ("意向项目", "prospects"),
    "out.no_prospects": ("意向项目：无", "prospects: none recorded"),
    "out.prospect_need": ("- {name}（{industry}，{stage}）：需地 {need}", "- {name} ({industry}, {stage}): needs {need}"),
    "out.asks_for": ("    意向地块 {parcel}：{status}，{area}", "    asks for {parcel}: {status}, {area}"),
    "out.intensity_unused": (
        "提示：--intensity {intensity} 未用到：没有项目需要它（均已填需地面积或未填投资额）",
        "note: --intensity {intensity} was not used: no prospect needed it (each states need_mu or has no investment_wan)",
    ),
}

#: Why a prospect gets no sites (zonemap.fit.prospect_fits ``reason``).
_FIT: dict[str, tuple[str, str]] = {
    "fit.no_need_parcel_only": ("未填需地面积，不另找地块", "no need_mu to search other sites with"),
    "fit.no_need_no_investment": ("未填需地面积和投资额", "no need_mu and no investment_wan"),
    "fit.no_need_give_intensity": ("未填需地面积；用 --intensity 万元/亩 由投资额推算", "no need_mu; give --intensity (×10⁴ yuan/mu) to derive it from investment_wan"),
    "fit.too_large": ("没有足够大的可用地块或相邻地块组", "no available parcel or group of adjacent parcels is large enough"),
}

#: Errors and warnings a user reads on the command line: one line naming the file, what is wrong and the fix.
_ERRORS: dict[str, tuple[str, str]] = {
    "error.crs_none": ("{where}：图层没有坐标系；请在导入时用 --crs 指定（如 EPSG:4528，CGCS2000 高斯-克吕格 3 度带第 40 带）",
                       "{where}: the layer has no CRS; set it (e.g. EPSG:4528, CGCS2000 Gauss-Krüger zone 40) with --crs when importing"),
    "error.crs_no_planar_area": ("{where}：{crs} 是经纬度坐标系（单位为度），没有平面面积；请用 --method ellipsoidal，或把园区存为投影坐标系（如 EPSG:4528）",
                                 "{where}: {crs} is geographic (degrees), so there is no planar area; "
                                 "use --method ellipsoidal or store the zone in a projected CRS such as EPSG:4528"),
    "error.crs_degrees": ("{where}：坐标看来是经纬度（度），而 {crs} 以米为单位；请用 --crs EPSG:4490（CGCS2000 经纬度）声明源数据的坐标系",
                          "{where}: coordinates look like degrees (lon/lat) but {crs} is in metres; "
                          "declare the source's CRS as EPSG:4490 (CGCS2000 lon/lat) with --crs EPSG:4490"),
    "error.crs_no_zone_prefix": ("{where}：x 坐标缺少 {crs} 应有的高斯-克吕格带号；请声明 --crs {candidate}（同一中央经线，不带带号）",
                                 "{where}: x values lack the Gauss-Krüger zone prefix that {crs} expects; "
                                 "declare --crs {candidate} (the same central meridian, no zone prefix)"),
    "error.crs_outside": ("{where}：坐标 {corners} 超出 {crs} 的适用范围；请核对源数据的坐标系，并用 --crs 声明",
                          "{where}: coordinates {corners} lie outside the area {crs} is defined for; "
                          "check the source's CRS and declare it with --crs"),
    # Opening a zone file (zonemap.store, zonemap.zone).
    "error.zone_missing": ("{zone}：没有这个文件；请检查路径，或用 `zonemap init` 新建园区",
                           "{zone}: no such file; check the path, or create a zone with `zonemap init`"),
    "error.zone_is_folder": ("{zone}：是文件夹，不是园区文件；请给出园区的 .gpkg 文件（如 {example}）",
                             "{zone}: is a folder, not a zone file; give the zone's .gpkg file (e.g. {example})"),
    "error.zone_not_geopackage": ("{zone}：不是 GeoPackage 园区文件；请给出由 `zonemap init` 生成的 .gpkg（导入 shapefile 或 GeoJSON 请用 `zonemap import`）",
                                  "{zone}: not a GeoPackage zone file; give a .gpkg made by `zonemap init` "
                                  "(to bring in a shapefile or GeoJSON, use `zonemap import`)"),
    "error.zone_no_layer": ("{zone}：没有 '{layer}' 图层；园区需要 boundary 和 parcels 两个图层（用 `zonemap import {zone} SOURCE --layer {layer}` 导入）",
                            "{zone}: no '{layer}' layer; a zone needs boundary and parcels "
                            "(import one with `zonemap import {zone} SOURCE --layer {layer}`)"),
    "error.zone_damaged": ("{zone}：GeoPackage 无法读取（{reason}）；文件可能已损坏或不完整：请从备份恢复",
                           "{zone}: the GeoPackage cannot be read ({reason}); it may be damaged or cut short: restore it from a copy"),
    "error.zone_exists": ("{zone}：已存在；请换个名字，或先删除它", "{zone}: already exists; choose another name or delete it first"),
    "error.zone_no_folder": ("{zone}：文件夹 {folder} 不存在；请先创建", "{zone}: folder {folder} does not exist; create it first"),
    # Reading a survey file (zonemap.intake).
    "error.source_folder": ("{path}：是文件夹，不是文件；请给出其中的 {formats} 文件",
                            "{path}: is a folder, not a file; give the {formats} file inside it"),
    "error.source_type": ("{path}：未知的文件类型 {suffix}；请给出 {formats} 文件", "{path}: unknown file type {suffix}; give a {formats} file"),
    "error.source_missing": ("{path}：没有这个文件；请检查路径", "{path}: no such file; check the path"),
    "error.source_unreadable": ("{path}：无法读取（{reason}）；请确认文件完整、未损坏",
                                "{path}: cannot be read ({reason}); check it is a complete, uncorrupted file"),
    "error.source_no_layer": ("{path}：没有图层 {wanted!r}；其图层为 {layers}", "{path}: has no layer {wanted!r}; its layers are {layers}"),
    "error.source_which_layer": ("{path}：有多个图层 {layers}；请用 --from-layer NAME 选一个",
                                 "{path}: has layers {layers}; choose one with --from-layer NAME"),
    "error.shp_missing": ("{path}：缺少 {suffix} 文件（{what}）；{complete}", "{path}: the {suffix} file ({what}) is missing; {complete}"),
    "error.shp_index": ("索引", "index"),
    "error.shp_table": ("属性表", "attribute table"),
    "error.shp_truncated": ("{path}：文件不完整（{size} / {declared} 字节）；{complete}", "{path}: is truncated ({size} of {declared} bytes); {complete}"),
    "error.shp_not_part": ("{path}：不是 shapefile 的组成文件；{complete}", "{path}: is not a shapefile part; {complete}"),
    "error.shp_complete": ("请从交付的资料中复制完整的 shapefile（{stem}.shp、.shx、.dbf、.prj、.cpg）",
                           "copy the complete shapefile ({stem}.shp, .shx, .dbf, .prj, .cpg) from the delivery"),
    "error.source_no_geometry": ("{path}：图层 {layer!r} 没有几何；请给出面图层", "{path}: layer {layer!r} has no geometry; give a layer of polygons"),
    "error.source_bad_text": ("{path}：文字不是有效的 {encoding}（{reason}）；请用 --encoding 给出正确的编码",
                              "{path}: text is not valid {encoding} ({reason}); pass the right one with --encoding"),
    "error.source_bad_where": ("--where {where}：GDAL 无法理解这个筛选条件（{reason}）；如 --where \"ZT = '已入驻'\"",
                               "--where {where}: not a filter GDAL understands ({reason}); e.g. --where \"ZT = '已入驻'\""),
    "error.import_no_id": ("{path}：找不到 --mode {mode} 所需的 {field} 字段；请用 --map {field}=FIELD 对应",
                           "{path}: no {field} field found for --mode {mode}; map it with --map {field}=FIELD"),
    "error.import_ids_taken": ("{path}：{field} {ids} 已在园区中；--mode append 只添加新编号，请用 --mode update",
                               "{path}: {field} {ids} already in the zone; --mode append adds new ids only, use --mode update"),
    "error.import_layer": ("--layer {layer}：不能导入该图层；请用 {layers} 之一", "--layer {layer}: cannot import into it; use one of {layers}"),
    "error.source_unplaced": ("{path}：{what}，坐标无法定位；请用 --crs 声明坐标系（如带 40 带号的 CGCS2000 高斯-克吕格第 40 带用 --crs EPSG:4528，不带带号用 EPSG:4549）",
                              "{path}: has {what}, so its coordinates cannot be placed; declare the CRS with --crs "
                              "(e.g. --crs EPSG:4528 for CGCS2000 Gauss-Krüger zone 40 with the 40 prefix, EPSG:4549 without it)"),
    "error.source_no_prj": ("没有 .prj 文件", "no .prj file"),
    "error.source_no_crs": ("没有坐标系", "no CRS"),
    "error.source_bad_prj": ("有 .prj 文件但读不出坐标系（{text}）", "a .prj that is present but unreadable as a CRS ({text})"),
    "error.map_no_zone_field": ("--map {field}={column}：{layer} 没有字段 {field!r}；其字段为 {fields}",
                                "--map {field}={column}: {layer} has no field {field!r}; its fields are {fields}"),
    "error.map_no_source_field": ("--map {field}={column}：{source} 没有字段 {column!r}；其字段为 {fields}",
                                  "--map {field}={column}: {source} has no field {column!r}; its fields are {fields}"),
    "error.disk_full": ("{place}：磁盘已满；请腾出空间（或写到别处）后重试；未做任何更改",
                        "{place}: the disk is full; free some space (or write elsewhere) and run it again; nothing was changed"),
    "error.quota": ("{place}：磁盘配额已用完；请腾出空间（或写到别处）后重试；未做任何更改",
                    "{place}: the disk quota is used up; free some space (or write elsewhere) and run it again; nothing was changed"),
    "error.read_only": ("{place}：位于只读文件系统；请复制到可写的文件夹（或写到别处）；未做任何更改",
                        "{place}: is on a read-only file system; copy it to a writable folder (or write elsewhere); nothing was changed"),
    "error.permission": ("{place}：没有权限；请让该文件及其文件夹可写，或把园区文件复制到自己的文件夹；未做任何更改",
                         "{place}: permission denied; make the file and its folder writable, or copy the zone to a folder of yours; nothing was changed"),
    "error.is_folder": ("{place}：是文件夹；请给出文件名；未做任何更改", "{place}: is a folder; give a file name; nothing was changed"),
    "error.not_folder": ("{place}：路径中有一段是文件而不是文件夹；请检查路径；未做任何更改",
                         "{place}: a part of the path is a file, not a folder; check the path; nothing was changed"),
    "error.no_such_file": ("{place}：没有这个文件或文件夹；请检查路径；未做任何更改", "{place}: no such file or folder; check the path; nothing was changed"),
    "error.not_a_number": ("不是数字", "is not a number"),
    "error.not_finite": ("不是有限的数", "is not a finite number"),
    "error.beyond": ("超过 {maximum}（可接受的最大{what}）", "is beyond {maximum} (the largest {what} accepted)"),
    "error.more_than": ("必须大于 {minimum}", "must be more than {minimum}"),
    "error.at_least": ("不能小于 {minimum}", "must be at least {minimum}"),
    "error.kind.area": ("面积", "area"),
    "error.kind.wan": ("投资额（万元）", "investment in 万元"),
    "error.kind.intensity": ("投资强度（万元/亩）", "intensity in 万元/亩"),
    "error.kind.length": ("长度（米）", "length in m"),
    "error.kind.count": ("数量", "count"),
    "error.invisible": ("含有不可见字符或控制字符（{char}）", "holds an invisible or control character ({char})"),
    "error.not_encoding": ("{value!r} 不是文字编码；请给出如 GBK、GB18030、UTF-8 或 BIG5（国内测绘文件多为 GBK）",
                           "{value!r} is not an encoding; give e.g. GBK, GB18030, UTF-8 or BIG5 (Chinese survey files are usually GBK)"),
    "error.not_crs": ("{value!r} 不是 pyproj 认识的坐标系；请写成 EPSG:NNNN（如 EPSG:4528，CGCS2000 高斯-克吕格 3° 带第 40 带）",
                      "{value!r} is not a CRS pyproj knows; give it as EPSG:NNNN (e.g. EPSG:4528, CGCS2000 Gauss-Krüger zone 40)"),
    "error.not_status": ("{value!r} 不是地块状态；请用 developed、vacant、tenant（或 已开发 / 未开发 / 已入驻）之一",
                         "{value!r} is not a status; use one of developed, vacant, tenant (or 已开发 / 未开发 / 已入驻)"),
    "error.unknown_parcel": ("{zone} 中没有地块 {parcel!r}（{listing}）{hint}", "no parcel {parcel!r} in {zone} ({listing}){hint}"),
    "error.parcels_range": ("共 {count} 个地块：{first}…{last}", "{count} parcels: {first}…{last}"),
    "error.parcels_one": ("共 1 个地块：{first}", "1 parcel: {first}"),
    "error.parcels_none": ("没有地块", "0 parcels"),
    "error.did_you_mean": ("；是不是 {ids}？", "; did you mean {ids}?"),
    "error.data_errors": ("{zone}：{errors} 个数据错误（{codes}），数字可能有误；请运行 `zonemap validate {zone}`",
                          "{zone}: {errors} data error(s) ({codes}); figures may be off; run `zonemap validate {zone}`"),
    "error.report_errors": ("{zone}：{errors} 个数据错误，报告中已列出；请运行 `zonemap validate {zone}`",
                            "{zone}: {errors} data error(s); the report lists them; run `zonemap validate {zone}`"),
    "error.warning": ("警告：{message}", "warning: {message}"),
}

#: Refusals of input that would take unbounded work or cannot be read as a shape, and of files that cannot be written.
_REFUSALS: dict[str, tuple[str, str]] = {
    # Prospects and holds (zonemap.prospects).
    "refuse.no_such": ("{zone}：没有{kind} {name!r}（{listing}）{hint}{fix}", "{zone}: no {kind} {name!r} ({listing}){hint}{fix}"),
    "refuse.listing": ("共 {count} 个{kinds}：{names}{more}", "{count} {kinds}: {names}{more}"),
    "refuse.listing_none": ("还没有{kinds}", "no {kinds} yet"),
    "refuse.did_you_mean": ("；是不是 {names}？", "; did you mean {names}?"),
    "refuse.or": ("{a} 或 {b}", "{a} or {b}"),
    "refuse.add_prospect": ("；请用 `zonemap prospect add {zone} {name!r}` 添加", "; add it with `zonemap prospect add {zone} {name!r}`"),
    "refuse.kind.prospect": ("意向项目", "prospect"),
    "refuse.kinds.prospect": ("意向项目", "prospects"),
    "refuse.kind.parcel": ("地块", "parcel"),
    "refuse.kinds.parcel": ("地块", "parcels"),
    "refuse.kind.hold": ("预留地块", "hold on parcel"),
    "refuse.kinds.hold": ("预留地块", "hold on parcels"),
    "refuse.prospect_exists": ("{zone}：意向项目 {name!r} 已登记；请用 `zonemap prospect set {zone} {name!r} …` 修改",
                               "{zone}: prospect {name!r} is already recorded; change it with `zonemap prospect set {zone} {name!r} …`"),
    "refuse.land_let": ("{zone}：地块 {parcel} 已由 {tenant} 入驻；请让 {name!r} 落在可用土地上",
                        "{zone}: parcel {parcel} is already let to {tenant}; land {name!r} on available land"),
    "refuse.land_held": ("{zone}：地块 {parcel} 已为 {other} 预留至 {until}；请先解除预留（`zonemap release {zone} {parcel}`）",
                         "{zone}: parcel {parcel} is held for {other} until {until}; release it first (`zonemap release {zone} {parcel}`)"),
    "refuse.hold_let": ("{zone}：地块 {parcel} 已由 {tenant} 入驻；只能预留可用土地",
                        "{zone}: parcel {parcel} is let to {tenant}; only available land can be held"),
    "refuse.already_held": ("{zone}：地块 {parcel} 已为 {other} 预留至 {until}；请先解除预留（`zonemap release {zone} {parcel}`）或预留其他地块",
                            "{zone}: parcel {parcel} is already held for {other} until {until}; "
                            "release it first (`zonemap release {zone} {parcel}`) or hold other land"),
    "refuse.not_a_date": ("{what} {value}：不是日期；请写成 YYYY-MM-DD，如 2026-12-31", "{what} {value}: not a date; write it as YYYY-MM-DD, e.g. 2026-12-31"),
    "refuse.not_negative": ("{option} {value}：须为 ≥ 0 的数", "{option} {value}: must be a number ≥ 0"),
    "refuse.prospect_name": ("意向项目需要名称（投资方或项目，如 惠实业有限公司）", "a prospect needs a name (the investor or project, e.g. 惠实业有限公司)"),
    "refuse.land_parcels": ("请给出意向项目落地的地块，如 `zonemap prospect land ZONE 惠实业有限公司 B03 B04`",
                            "give the parcels the prospect lands on, e.g. `zonemap prospect land ZONE 惠实业有限公司 B03 B04`"),
    "refuse.release_what": ("请给出要解除预留的地块，或用 --for PROSPECT 解除该项目的全部预留",
                            "give the parcels to release, or --for PROSPECT to release all its holds"),
    "refuse.zone_name": ("--name：园区需要名称；请给出，如 --name 示例工业集中区", "--name: a zone needs a name; give one, e.g. --name 示例工业集中区"),
    "refuse.zone_boundary": ("{zone}：边界有 {count} 个要素，不是 1 个；请先修正（`zonemap validate {zone}`）再设置园区数据",
                             "{zone}: the boundary has {count} features, not 1; fix it (`zonemap validate {zone}`) before setting the zone's figures"),
    "refuse.line_wkt": ("--line {wkt}：不是有效的 WKT；{example}", "--line {wkt}: not valid WKT; {example}"),
    "refuse.line_kind": ("--line {wkt}：是{kind}，不是穿过地块的线；{example}", "--line {wkt}: is {kind}, not a line across the parcel; {example}"),
    "refuse.line_empty": ("空线", "an empty line"),
    "refuse.line_a": ("{kind}", "a {kind}"),
    "refuse.line_finite": ("--line {wkt}：有坐标不是有限数；{example}", "--line {wkt}: has a coordinate that is not a finite number; {example}"),
    "refuse.line_example": ("请按园区坐标系给出，如 'LINESTRING (x1 y1, x2 y2)'", "give e.g. 'LINESTRING (x1 y1, x2 y2)' in the zone's CRS"),
    "refuse.stage.landed": ("已落地", "landed"),
    "refuse.stage.dropped": ("已放弃", "dropped"),
    "refuse.closed_land": ("{zone}：意向项目 {name!r} {stage}；只有意向、洽谈中或已签约的项目才能落地",
                           "{zone}: prospect {name!r} is {stage}; only a prospect at intent, negotiating or signed can land"),
    "refuse.closed_hold": ("{zone}：意向项目 {name!r} {stage}；只能为意向、洽谈中或已签约的项目预留土地",
                           "{zone}: prospect {name!r} is {stage}; land is held only for a prospect at intent, negotiating or signed"),
    "refuse.set_landed": ("--stage landed：请用 `zonemap prospect land {zone} {name!r} PARCEL…`，它同时把地块设为已入驻",
                          "--stage landed: use `zonemap prospect land {zone} {name!r} PARCEL…`, which also lets it the parcels"),
    "refuse.zone_suffix": ("{zone}：园区文件是 GeoPackage，文件名须以 .gpkg 结尾；如 `zonemap init {suggested} --boundary …`",
                           "{zone}: a zone is a GeoPackage and its name must end in .gpkg; e.g. `zonemap init {suggested} --boundary …`"),
    "refuse.boundary_empty": ("{source}：没有要素；园区边界须为一个或多个有效多边形",
                              "{source}: has no features; a zone boundary must be one or more valid polygons"),
    "refuse.boundary_invalid": ("{source}：第 {feature} 个要素不是有效多边形；园区边界须为一个或多个有效多边形",
                                "{source}: feature {feature} is not a valid polygon; a zone boundary must be one or more valid polygons"),
    "refuse.boundary_far": ("边界位于经度 {lon}，在我国高斯-克吕格分带之外；请给出投影坐标的边界文件",
                            "the boundary lies at longitude {lon}, outside China's Gauss-Krüger zones; give a projected boundary file"),
    # Edits (zonemap.intake.edits): split, merge and the ids they give.
    "refuse.split_how": ("请给出 --line WKT 或 --mu X 其中之一（不能都给，也不能都不给）", "give either --line WKT or --mu X, not both or neither"),
    "refuse.carve_too_big": ("{zone}：{parcel} 面积 {measured} 亩，无法从中切出 {mu} 亩；请给出小于其面积的 --mu，或整块使用",
                             "{zone}: {parcel} measures {measured} mu; cannot carve {mu} mu from it; give --mu less than its area, or use it whole"),
    "refuse.sliver": (
        "{zone}：地块 {parcel} 面积 {mu} 亩（{m2} 平方米）；这样分割会留下 {piece_mu} 亩（{piece_m2} 平方米）的一块，"
        "小于每块至少 {min_mu} 亩（{min_m2} 平方米）；请换个位置分割，或保持整块",
        "{zone}: parcel {parcel} measures {mu} mu ({m2} m²); this split would leave a piece of {piece_mu} mu ({piece_m2} m²), "
        "under the {min_mu} mu ({min_m2} m²) a piece needs; cut elsewhere or leave it whole",
    ),
    "refuse.line_misses": ("{zone}：分割线没有到达地块 {parcel}，该地块在园区坐标系中位于 ({x0}, {y0})–({x1}, {y1}) 之内；请画线穿过该地块",
                           "{zone}: the line does not reach parcel {parcel}, which lies within ({x0}, {y0})–({x1}, {y1}) in the zone's CRS; "
                           "draw it across the parcel"),
    "refuse.line_not_across": ("{zone}：分割线没有从一边到另一边穿过地块 {parcel}；请把线延长到两边之外",
                               "{zone}: the line does not cross parcel {parcel} from edge to edge; extend it past both edges"),
    "refuse.piece_in_parts": ("{zone}：这样分割 {parcel} 会留下分成几部分的一块；请改用 --line 分割",
                              "{zone}: carving {parcel} this way leaves a piece in several parts; cut it with --line instead"),
    "refuse.ids_count": ("--ids：分割得到 {pieces} 块，却给了 {ids} 个编号", "--ids: the cut makes {pieces} pieces but {ids} ids were given"),
    "refuse.merge_two": ("请至少给出两个不同的地块编号来合并", "give at least two different parcel ids to merge"),
    "refuse.merge_apart": ("{zone}：{apart} 与 {first} 没有共用边（只在角点相接不算）；只能合并相邻地块",
                           "{zone}: {apart} shares no edge with {first} (touching at a corner is not enough); merge only adjacent parcels"),
    "refuse.merge_differs": ("{zone}：无法合并 {field} 不同的地块（{listing}）；请先用 `zonemap set` 使其相同",
                             "{zone}: cannot merge parcels whose {field} differs ({listing}); make them the same with `zonemap set` first"),
    "refuse.parcel_is": ("{parcel} 为 {value}", "{parcel} is {value}"),
    "refuse.list": ("{a}，{b}", "{a}, {b}"),
    "refuse.empty": ("空", "empty"),
    "refuse.id_unusable": ("{zone}：地块编号 {given!r} {problem}；请换一个", "{zone}: parcel id {given!r} {problem}; choose another"),
    "refuse.id_blank": ("为空", "is blank"),
    "refuse.id_used": ("{zone}：地块编号 {given!r} 已被使用；请换一个", "{zone}: parcel id {given!r} is already used; choose another"),
    "refuse.id_reads_as": ("{zone}：地块编号 {given!r} 读作已使用的 {other!r}；请换一个",
                           "{zone}: parcel id {given!r} reads as {other!r}, already used; choose another"),
    "refuse.not_finite_shape": (
        "{zone}：{layer} {ids} 的图形有非有限坐标（inf 或 NaN，由其他软件写入），无法绘制或量算；"
        "请在 QGIS 中重绘该要素或重新导入该图层（zonemap validate 会逐个列出）",
        "{zone}: {layer} {ids}: a vertex of the shape is not a finite number (inf or NaN, written by another program), "
        "so it cannot be drawn or measured; redraw it in QGIS or import the layer again (`zonemap validate` names each)",
    ),
    "refuse.read_only_zone": (
        "{zone}：此文件只读（或不属于当前用户），无法修改；请取消其只读属性（Windows：属性 ▸ 取消“只读”）"
        "或复制到自己的文件夹后再修改；未做任何更改",
        "{zone}: the file is read-only (or not yours), so it cannot be changed; clear its read-only flag "
        "(Windows: Properties ▸ untick Read-only) or copy it to a folder of yours and edit the copy; nothing was changed",
    ),
    "refuse.too_many_vertices": (
        "{layer} {id}：有 {vertices:,} 个节点，超过 zonemap 检查一个要素的上限 {budget:,}（测绘地块通常只有几十到几百个）；"
        "请在 QGIS 中简化（矢量 ▸ 几何工具 ▸ 简化，容差 0.01 米）后重新导入",
        "{layer} {id}: has {vertices:,} vertices, more than the {budget:,} zonemap checks a feature with (a surveyed "
        "parcel has tens to hundreds); simplify it (QGIS: Vector ▸ Geometry Tools ▸ Simplify, tolerance 0.01 m) and import it again",
    ),
    "refuse.too_complex": (
        "未划分用地{where}（与 {names} 相邻）的轮廓有 {vertices:,} 个节点，超过缝隙检查的上限 {budget:,}；"
        "请在 QGIS 中简化相邻地块的边线（矢量 ▸ 几何工具 ▸ 简化，容差 0.01 米）后重新导入",
        "unparcelled land {where} next to {names} has an outline of {vertices:,} vertices, more than the {budget:,} "
        "the gap check opens; simplify the outline of those parcels (QGIS: Vector ▸ Geometry Tools ▸ Simplify, "
        "tolerance 0.01 m) and import them again",
    ),
}

#: Usage errors of the command line (exit 2): what is missing or malformed in the command itself, and how to write it.
_USAGE: dict[str, tuple[str, str]] = {
    "usage.folder_missing": ("文件夹 {folder} 不存在；请先创建，或换一个 -o", "folder {folder} does not exist; create it first or choose another -o"),
    "usage.exists": ("文件已存在；要替换请加 --overwrite", "it exists already; pass --overwrite to replace it"),
    "usage.scheduler": ("--scheduler 只能与 --engine dask 同用", "--scheduler only applies with --engine dask"),
    "usage.not_mapping": ("{value!r} 不是 FIELD=SRCFIELD 的写法（如 --map parcel_id=DKBH）", "{value!r} is not FIELD=SRCFIELD (e.g. --map parcel_id=DKBH)"),
    "usage.no_field": ("{value!r}：{layer} 没有字段 {field!r}；它的字段有 {fields}", "{value!r}: {layer} has no field {field!r}; its fields are {fields}"),
    "usage.mapped_twice": ("{field} 映射了两次（{field}={first} 和 {field}={second}）；每个字段只给一个 --map",
                           "{field} is mapped twice ({field}={first} and {field}={second}); give one --map per field"),
    "usage.not_results_mapping": ("{value!r} 不是 FIELD=COLUMN 的写法，FIELD 为 {fields} 之一（如 --map tax_wan=实缴税金）",
                                  "{value!r} is not FIELD=COLUMN with FIELD one of {fields} (e.g. --map tax_wan=实缴税金)"),
    "usage.suffix": ("{out}：-o 的文件名须以 {suffixes} 结尾", "{out}: give -o a name ending in {suffixes}"),
    "usage.print_suffix": ("{out}：打印图须为 .pdf、.svg 或 .png；请用 -o {name}", "{out}: a print map is a .pdf, .svg or .png; give -o {name}"),
    "usage.export_paths": ("最多给出 ZONE 和 DEST 两个路径", "give at most ZONE and DEST"),
    "usage.export_dest": ("缺少 DEST（{zone} 是园区文件）：是不是要 `zonemap export {zone} OUT.shp`？",
                          "DEST is missing ({zone} is a zone): did you mean `zonemap export {zone} OUT.shp`?"),
    "usage.release": ("请给出要解除预留的地块，或用 --for PROSPECT", "give the parcels to release, or --for PROSPECT"),
    "usage.prospect_set": ("请至少给出一个要修改的字段，如 --stage 洽谈 或 --need 20", "give at least one field to set, e.g. --stage 洽谈 or --need 20"),
    "usage.intensity": ("--intensity 需与 --prospects 同用：它为未填需地面积的项目推算用地", "--intensity needs --prospects: it sizes the prospects that have no need_mu."),
    "usage.report_output": ("请用 -o report.html 或 -o report.md 给出报告文件（或用 --json 输出数字）",
                            "give the report's file with -o report.html or -o report.md (or --json for the figures)"),
    "usage.set": ("请至少给出 --status、--tenant、--investment、--note 之一", "give at least one of --status, --tenant, --investment, --note"),
    "usage.split": ("请给出 --line WKT 或 --mu X 之一", "give either --line WKT or --mu X"),
    "usage.zone_set": ("请至少给出 --name、--planned-mu、--infrastructure-wan、--approved-by、--approved-on 之一",
                       "give at least one of --name, --planned-mu, --infrastructure-wan, --approved-by, --approved-on"),
}

#: Validation problems (zonemap.validate): the message of each code, its fields filled in (crs_mismatch is still English only).
_PROBLEMS: dict[str, tuple[str, str]] = {
    "problem.near": ("位于 ({x}, {y}) 附近", "near ({x}, {y})"),
    "problem.the_boundary": ("园区边界", "the boundary"),
    "problem.status.developed": ("已开发待入驻", "developed"),
    "problem.status.vacant": ("未开发", "vacant"),
    "problem.status.tenant": ("已入驻", "tenant"),
    "problem.unknown_status": ("parcels {id}：状态 {status!r} 不是 {statuses} 之一；请用 `zonemap set` 设置",
                               "parcels {id}: status {status!r} is not one of {statuses}; set it with `zonemap set`"),
    "problem.tenant_unexpected": (
        "parcels {id}：状态为{status}，却填了入驻企业 {tenant!r}；台账按{status}计；若该企业有意向，请用 "
        "`zonemap prospect add ZONE NAME --parcel {id}` 登记为意向项目并清空 tenant，若已出让则把状态改为已入驻",
        "parcels {id}: status is {status} but tenant {tenant!r} is named; the ledger counts it as {status}; if the firm is interested, "
        "record it with `zonemap prospect add ZONE NAME --parcel {id}` and clear the tenant, or set status to tenant if it is let",
    ),
    "problem.negative_investment": ("parcels {id}：投资额 investment_wan 为 {investment}；投资额不能为负", "parcels {id}: investment_wan is {investment}; investment cannot be negative"),
    "problem.investment_unexpected": (
        "parcels {id}：状态为{status}，却有投资额 {investment} 万元；请清除（`zonemap set ZONE {id} --status {code}` 会清除企业迁出后留下的投资额）"
        "或把状态改为已入驻",
        "parcels {id}: status is {status} but investment_wan is {investment}; clear it (`zonemap set ZONE {id} --status {code}` "
        "clears the investment of land left by its tenant) or set status to tenant",
    ),
    "problem.and": ("{a} 与 {b}", "{a} and {b}"),
    "problem.crs_geographic": ("{layer}：坐标系为 {crs}（经纬度，单位为度）；园区须用投影坐标系（如 EPSG:4528），面积和容差才以米计；请用 --crs 重新导入",
                               "{layer}: stored in {crs} (degrees); zones keep a projected CRS such as EPSG:4528 "
                               "so planar areas and tolerances are in metres; re-import with --crs"),
    "problem.not_a_polygon": ("{layer} {id}：是 {kind}（类型 {type}），不是多边形；请闭合成多边形",
                              "{layer} {id}: is a {kind}, not a polygon (type {type}); close it into a polygon"),
    "problem.invalid_geometry": ("{layer} {id}：多边形无效（{reason}）；请在源数据中修正，或导入时加 --fix 用 make_valid 修复",
                                 "{layer} {id}: invalid polygon ({reason}); fix it in the source, or import with --fix to apply make_valid"),
    "problem.similar_ids": ("parcels {ids}：这些编号只差大小写、空格或全半角，读来是同一个；请给每个地块不同的编号",
                            "parcels {ids}: these ids differ only in case, spaces or width, so they read as one; give each parcel a distinct id"),
    "problem.invalid_id": ("parcels {value!r}：编号{problem}；请去掉该字符重新输入", "parcels {value!r}: the id {problem}; retype it without it"),
    "problem.not_finite": ("{layer} {id}：{field} 为 {value}，不是有限数（输出按空值处理）；请在园区文件中修正（QGIS，或用 `zonemap set` 改 investment_wan）",
                           "{layer} {id}: {field} holds {value}, not a finite number (outputs treat it as empty); "
                           "correct it in the zone (QGIS, or `zonemap set` for investment_wan)"),
    "problem.not_finite_geometry": ("{layer} {id}：{field} 为 {value}，不是有限数（输出按空值处理）；请在 QGIS 中重绘或重新导入该图层",
                                    "{layer} {id}: {field} holds {value}, not a finite number (outputs treat it as empty); "
                                    "redraw it in QGIS or re-import the layer"),
    "problem.dangling_parcel_ref": ("{layer} {id}：parcel_id {ref!r} 不是本园区的地块；请改为现有地块或清空",
                                    "{layer} {id}: parcel_id {ref!r} names no parcel of the zone; point it at an existing parcel or clear it"),
    "problem.hold_expired": ("holds {id}：为 {prospect} 预留至 {until}，已过期；请解除预留，或用新的 --until 重新预留",
                             "holds {id}: held for {prospect} until {until}, which has passed; release it or hold it again with a new --until"),
    "problem.hold_on_tenant": ("holds {id}：为 {prospect} 预留，但已由 {tenant} 入驻；请解除预留",
                               "holds {id}: held for {prospect} but let to {tenant}; release the hold"),
    "problem.hold_no_parcel": ("holds {id}：为 {prospect} 预留，但园区没有地块 {id!r}；请解除预留",
                               "holds {id}: held for {prospect}, but the zone has no parcel {id!r}; release the hold"),
    "problem.hold_unknown_prospect": ("holds {id}：为 {prospect!r} 预留，但意向项目中没有它；请添加该意向项目或解除预留",
                                      "holds {id}: held for {prospect!r}, who is not among the prospects; add the prospect or release the hold"),
    "problem.crs_missing": ("{layer}：图层没有坐标系；请用 --crs EPSG:NNNN（如 EPSG:4528）重新导入",
                            "{layer}: the layer has no CRS; re-import it with --crs EPSG:NNNN (e.g. EPSG:4528)"),
    "problem.empty_geometry": ("{layer} {id}：没有图形；请绘制或删除该要素", "{layer} {id}: has no geometry; draw it or delete the feature"),
    "problem.missing_id": ("parcels {id}：没有地块编号 parcel_id；请给每个地块一个唯一编号", "parcels {id}: has no parcel_id; give every parcel a unique id"),
    "problem.tenant_missing": ("parcels {id}：状态为已入驻但未填入驻企业；请填写 tenant 字段",
                               "parcels {id}: status is tenant but no tenant is named; fill in the tenant field"),
    "problem.duplicate_id": ("parcels {id}：该编号被 {count} 个地块使用；请给每个地块唯一的 parcel_id",
                             "parcels {id}: the id is used by {count} parcels; give each a unique parcel_id"),
    "problem.overlap": ("{layer_a} {a} 与 {layer_b} {b} 重叠 {m2} 平方米（{mu} 亩），{where}；请重画共用边使二者只相接",
                        "{layer_a} {a} and {layer_b} {b} overlap by {m2} m² ({mu} mu) {where}; redraw the shared edge so they only touch"),
    "problem.gap": ("{where}有一条 {m2} 平方米、窄于 {width} 米的缝隙，与 {names} 相邻；请把边线捕捉对齐",
                    "a gap of {m2} m² narrower than {width} m {where} next to {names}; snap the edges together"),
    "problem.outside_boundary": ("{layer} {id}：有 {m2} 平方米在园区边界之外，{where}；请按边界裁剪或修正边界",
                                 "{layer} {id}: {m2} m² lies outside the zone boundary {where}; clip it to the boundary or correct the boundary"),
    "problem.boundary_count": ("boundary：有 {count} 个要素，园区边界须恰为 1 个；请合并或重画",
                               "boundary: has {count} features, a zone has exactly 1; merge or redraw it"),
    "problem.planned_mismatch": ("boundary：实测 {measured} 亩，规划面积为 {planned} 亩（相差超过 {tolerance}）；请检查边界或修正 planned_mu",
                                 "boundary: measures {measured} mu but the plan declares {planned} mu (over {tolerance} apart); "
                                 "check the boundary or correct planned_mu"),
}

#: Every section above, merged: code → (zh, en).
WORDS: dict[str, tuple[str, str]] = {
    **_MAP, **_STATUS, **_UNITS, **_LEDGER, **_METHODS, **_STAGES, **_REPORT, **_INDICATORS, **_CHANGES, **_DIFF, **_CLI,
    **_LAND_USE_PLAN, **_LAND_USE_SURVEY, **_INTAKE, **_WORKBOOK, **_PRINT, **_BUSINESS, **_OUTPUT, **_FIT, **_ERRORS, **_REFUSALS, **_USAGE, **_PROBLEMS,
}


class Phrase(NamedTuple):
    """A code and its fields standing as a field of another word: :func:`word` puts it in that word's language.

    >>> word("error.unknown_parcel", "zh", zone="z.gpkg", parcel="B3", listing=Phrase("error.parcels_none"), hint="")
    "z.gpkg 中没有地块 'B3'（没有地块）"
    """

    code: str
    fields: dict = {}


def word(code: str, lang: str = "zh", /, **fields: object) -> str:
    """The text of ``code`` in ``lang`` (``zh`` or ``en``), placeholders filled from ``fields`` (a :class:`Phrase` in ``lang`` too)."""
    text = WORDS[code][LANGS.index(lang)]
    if not fields:
        return text
    return text.format(**{key: word(value.code, lang, **value.fields) if isinstance(value, Phrase) else value for key, value in fields.items()})


def table(lang: str, prefix: str = "") -> dict[str, str]:
    """Every word in ``lang`` whose code starts with ``prefix``, code (without the prefix) → text.

    Examples
    --------
    >>> table("en", "unit.")["m2"]
    'm²'
    """
    index = LANGS.index(lang)
    return {code[len(prefix):]: texts[index] for code, texts in WORDS.items() if code.startswith(prefix)}


def both(code: str, /, **fields: object) -> dict[str, str]:
    """``{"zh": …, "en": …}`` for ``code``: the words JSON carries where a reader wants them."""
    return {lang: word(code, lang, **fields) for lang in LANGS}


def word_or(code: str, lang: str, fallback: str) -> str:
    """The word for ``code``, else ``fallback`` (a value the table does not know is shown as given)."""
    return word(code, lang) if code in WORDS else fallback


def land_use_name(code: object, lang: str = "zh") -> str:
    """A land-use code with its name, e.g. ``100101 一类工业用地``; unknown codes as given.

    Six-digit codes are read in the 用地用海分类; a four-digit code is named
    in each scheme that knows it (both, when they disagree).
    """
    if code is None or code != code or str(code).strip() == "":
        return ""
    given, code = str(code), str(code).strip()
    names = [word(f"land_use.{scheme}.{code}", lang) for scheme in ("plan", "survey") if f"land_use.{scheme}.{code}" in WORDS]
    if len(names) == 2 and names[0] != names[1]:
        schemes = ("用地用海分类", "GB/T 21010") if lang == "zh" else ("land and sea use classification", "GB/T 21010")
        names = [f"{name} ({scheme})" for name, scheme in zip(names, schemes)]
    return f"{code} {' / '.join(dict.fromkeys(names))}" if names else given


def sort_key(name: object) -> tuple:
    """Sort key putting Chinese names in pinyin order (淮安 before 江苏), as Chinese readers expect.

    Latin letters and digits sort among the pinyin as themselves, ignoring case.
    """
    from pypinyin import lazy_pinyin

    text = "" if name is None or name != name else str(name)
    return (tuple(part.casefold() for part in lazy_pinyin(text)), text)
