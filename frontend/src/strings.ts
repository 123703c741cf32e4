// All UI text, English and Simplified Chinese. Clinical wording (cards, series labels,
// units, thresholds) comes from the backend in the requested language, not from here.
// `{name}` marks a value filled in by format().

export const LANGUAGES = ['en', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

const en = {
  appTitle: 'CARAC Watch',
  appSubtitle: 'CAR-T-associated coagulopathy',
  language: 'Language',
  languageName: 'English',
  loading: 'Evaluating…',
  connecting: 'Connecting to the EHR…',
  born: 'Born {date}',
  patientId: 'ID {id}',
  unknownName: 'Unnamed patient',
  dataAsOf: 'Data as of {asOf} (day {asOfDay} since infusion on {infusionDate}).',
  dataAsOfNoInfusion: 'Data as of {asOf}.',
  noInfusion: 'No CAR-T infusion found',
  noInfusionHint: 'Trend charts and day-by-day scores start once a CAR-T infusion is recorded for this patient.',
  trends: 'Trends by day since infusion',
  dayAxis: 'Day since infusion',
  dayN: 'Day {day}',
  carT: 'CAR-T',
  peakWindow: 'Peak window, days {first}–{last}',
  focusedDay: 'Day {day} highlighted from the alert that opened this app.',
  noPoints: 'No results to plot.',
  notPlotted: 'Not on this scale (no upper limit of normal): {days}.',
  pointValue: '{label}: {value} {unit}, day {day}',
  measuredAt: 'measured {effective}',
  reportedAs: 'reported {value} {unit}',
  sourceResource: 'source {resource}',
  pointHint: 'Hover over or focus a point or marker to see its details.',
  events: 'Events',
  eventGrade: 'grade {grade}',
  eventsOutside: 'Events outside the chart: {list}',
  'kind.car-t': 'CAR-T infusion',
  'kind.tocilizumab': 'Tocilizumab',
  'kind.steroid': 'Steroid',
  'kind.anticoagulant': 'Anticoagulant',
  'kind.transfusion': 'Transfusion',
  'kind.crs': 'CRS',
  'kind.icans': 'ICANS',
  'kind.bleeding': 'Bleeding',
  'kind.thrombosis': 'Thrombosis',
  dayTable: 'Daily scores',
  colDay: 'Day',
  colDate: 'Date',
  colIsth: 'ISTH overt DIC',
  colCdss: 'CDSS (Chinese DIC score)',
  colCwGrade: 'CW-grade',
  points: '{points}/{max} points',
  missing: 'missing: {items}',
  notDocumented: 'not documented: {items}',
  'status.met': 'met',
  'status.not-met': 'not met',
  'status.indeterminate': 'indeterminate',
  peakCwGrade: 'Peak CW-grade so far: {grade}',
  peakCwGradeAtLeast: 'Peak CW-grade so far: at least {grade} (some days not assessable)',
  gradeUnknown: 'not assessable (≥ {atLeast})',
  notEvaluable: 'Not evaluable: {items}',
  'input.fibrinogen': 'fibrinogen',
  'input.pt': 'PT over ULN',
  'input.aptt': 'APTT over ULN',
  'input.platelets': 'platelets',
  'input.dic': 'DIC scores',
  cwGradeNote: 'CW-grade is the provisional CARAC severity (product definition).',
  none: '—',
  'item.underlying-disease': 'underlying disease',
  'item.clinical-bleeding': 'bleeding tendency',
  'item.clinical-shock': 'shock',
  'item.clinical-organ-dysfunction': 'organ dysfunction',
  'item.platelet-fall-24h': 'platelet fall',
  'item.pt-aptt': 'PT/APTT',
  cards: 'Alerts and suggestions',
  noCards: 'No alerts at this time.',
  'indicator.info': 'Info',
  'indicator.warning': 'Warning',
  'indicator.critical': 'Critical',
  cardSource: 'Source: {label}',
  dataQuality: 'Data quality',
  launchErrorTitle: 'CARAC Watch cannot start',
  launchNoState:
    'This page was opened without a SMART launch, or the launch has expired or was already used.',
  launchNoIss: 'The launch page was opened without the address of a FHIR server (the "iss" parameter).',
  launchNoPatient: 'The EHR did not say which patient to show.',
  launchFailed: 'The sign-in with the EHR failed.',
  launchAdvice: "Open CARAC Watch from the patient's chart in your EHR.",
  summaryErrorTitle: 'The evaluation could not be loaded',
  summaryUnreachable: 'The CARAC Watch service could not be reached ({url}).',
  summaryHttp: 'The CARAC Watch service answered with status {status}.',
  summaryBadJson: 'The CARAC Watch service sent an answer the app cannot read.',
  retry: 'Try again',
  technicalDetails: 'Technical details',
};

export type Key = keyof typeof en;
export type Strings = Record<Key, string>;

const zh: Strings = {
  appTitle: 'CARAC Watch',
  appSubtitle: 'CAR-T 相关凝血病',
  language: '语言',
  languageName: '简体中文',
  loading: '正在评估…',
  connecting: '正在连接电子病历系统…',
  born: '出生日期 {date}',
  patientId: 'ID {id}',
  unknownName: '未命名患者',
  dataAsOf: '数据截至 {asOf}（{infusionDate} 回输后第 {asOfDay} 天）。',
  dataAsOfNoInfusion: '数据截至 {asOf}。',
  noInfusion: '未找到 CAR-T 回输记录',
  noInfusionHint: '记录该患者的 CAR-T 回输后，才会显示趋势图和逐日评分。',
  trends: '回输后逐日趋势',
  dayAxis: '回输后天数',
  dayN: '第 {day} 天',
  carT: 'CAR-T',
  peakWindow: '高峰期，第 {first}–{last} 天',
  focusedDay: '已突出显示第 {day} 天（来自打开本应用的提醒）。',
  noPoints: '无可绘制的结果。',
  notPlotted: '无法按此刻度显示（无正常值上限）：{days}。',
  pointValue: '{label}：{value} {unit}，第 {day} 天',
  measuredAt: '检测时间 {effective}',
  reportedAs: '原始报告 {value} {unit}',
  sourceResource: '来源 {resource}',
  pointHint: '将鼠标悬停或用键盘聚焦于数据点或标记以查看详情。',
  events: '事件',
  eventGrade: '{grade} 级',
  eventsOutside: '图表范围外的事件：{list}',
  'kind.car-t': 'CAR-T 回输',
  'kind.tocilizumab': '托珠单抗',
  'kind.steroid': '糖皮质激素',
  'kind.anticoagulant': '抗凝药',
  'kind.transfusion': '输血',
  'kind.crs': 'CRS',
  'kind.icans': 'ICANS',
  'kind.bleeding': '出血',
  'kind.thrombosis': '血栓',
  dayTable: '逐日评分',
  colDay: '天',
  colDate: '日期',
  colIsth: 'ISTH 显性 DIC',
  colCdss: 'CDSS（中国 DIC 评分）',
  colCwGrade: 'CW 分级',
  points: '{points}/{max} 分',
  missing: '缺少：{items}',
  notDocumented: '未记录：{items}',
  'status.met': '符合',
  'status.not-met': '不符合',
  'status.indeterminate': '无法确定',
  peakCwGrade: '迄今最高 CW 分级：{grade}',
  peakCwGradeAtLeast: '迄今最高 CW 分级：至少 {grade}（部分日期无法评估）',
  gradeUnknown: '无法评估（≥ {atLeast}）',
  notEvaluable: '无法评估：{items}',
  'input.fibrinogen': '纤维蛋白原',
  'input.pt': 'PT 超出正常上限',
  'input.aptt': 'APTT 超出正常上限',
  'input.platelets': '血小板',
  'input.dic': 'DIC 评分',
  cwGradeNote: 'CW 分级为暂定的 CARAC 严重程度（产品定义）。',
  none: '—',
  'item.underlying-disease': '基础疾病',
  'item.clinical-bleeding': '出血倾向',
  'item.clinical-shock': '休克',
  'item.clinical-organ-dysfunction': '器官功能障碍',
  'item.platelet-fall-24h': '血小板下降',
  'item.pt-aptt': 'PT/APTT',
  cards: '提醒与建议',
  noCards: '目前没有提醒。',
  'indicator.info': '提示',
  'indicator.warning': '警告',
  'indicator.critical': '危急',
  cardSource: '来源：{label}',
  dataQuality: '数据质量',
  launchErrorTitle: 'CARAC Watch 无法启动',
  launchNoState: '本页面不是通过 SMART 启动打开的，或启动已过期或已被使用。',
  launchNoIss: '启动页面缺少 FHIR 服务器地址（"iss" 参数）。',
  launchNoPatient: '电子病历系统未指明要显示的患者。',
  launchFailed: '通过电子病历系统登录失败。',
  launchAdvice: '请从电子病历系统中该患者的病历打开 CARAC Watch。',
  summaryErrorTitle: '无法加载评估结果',
  summaryUnreachable: '无法连接 CARAC Watch 服务（{url}）。',
  summaryHttp: 'CARAC Watch 服务返回状态 {status}。',
  summaryBadJson: 'CARAC Watch 服务返回的内容无法读取。',
  retry: '重试',
  technicalDetails: '技术细节',
};

export const STRINGS: Record<Language, Strings> = { en, zh };

export function isLanguage(value: unknown): value is Language {
  return (LANGUAGES as readonly unknown[]).includes(value);
}

/** Fills `{name}` placeholders; unknown placeholders stay visible so a gap is noticed. */
export function format(template: string, values: Record<string, string | number | null | undefined> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = values[name];
    return v === undefined || v === null ? whole : String(v);
  });
}

/** Translator for one language; `lookup` returns undefined for keys outside the table. */
export function translator(lang: Language) {
  const table = STRINGS[lang];
  const t = (key: Key, values?: Record<string, string | number | null | undefined>) => format(table[key], values);
  const lookup = (key: string): string | undefined => (table as Record<string, string>)[key];
  return { t, lookup, lang };
}

export type Translator = ReturnType<typeof translator>;

/** First supported language of the browser, else English. */
export function preferredLanguage(candidates: readonly string[]): Language {
  for (const c of candidates) {
    const base = c.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}
