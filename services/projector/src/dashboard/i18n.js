/* global document, localStorage */
// The page's own words in English and Persian, and its times in both calendars. Only labels are
// translated: names, messages, codes and keys from the API are shown as they came.

const en = {
  title: 'SiaghSync · operations',
  switchTo: 'فارسی',
  loading: 'loading…',
  token: 'Operator token',
  tokenPlaceholder: 'needed to resolve and redrive',
  signIn1: 'Not signed in. Open the dashboard link',
  signIn2: 'printed, or enter the read token',
  signIn3: ', or the operator token',
  readToken: 'read token',
  signIn: 'Sign in',
  notSignedIn: 'not signed in: open the dashboard link npm start printed, or enter the read token',
  freshnessLabel: 'sync freshness',
  summaryLabel: 'summary',
  throughput: 'Throughput (outcomes per minute, last hour)',
  throughputLabel: 'throughput chart',
  failures: 'Failure rate (dead-lettered, retrying, conflict)',
  failuresLabel: 'failure rate chart',
  noData: 'no data in this range',
  views: 'views v{live}',
  rebuilding: ' · rebuilding v{version}: {pct}%',
  'card.outcomes': 'Outcomes',
  'card.synced': 'Synced',
  'card.conflicts': 'Open conflicts',
  'card.deadLetters': 'Dead letters',
  'card.linked': 'Linked pairs',
  openConflicts: 'Open conflicts',
  deadLetters: 'Dead letters',
  waitingWork: 'Waiting work',
  waitingLabel: 'waiting work',
  customer: 'Customer',
  consumerGroups: 'Consumer groups',
  'col.entity': 'Entity',
  'col.field': 'Field',
  'col.crmValue': 'CRM value',
  'col.siaghValue': 'Siagh value',
  'col.base': 'Base',
  'col.detected': 'Detected',
  'col.state': 'State',
  'col.reason': 'Reason',
  'col.message': 'Message',
  'col.failed': 'Failed',
  'col.kind': 'Kind',
  'col.customer': 'Customer',
  'col.since': 'Waiting since',
  'col.why': 'Why',
  'col.next': 'Next attempt',
  'col.attempts': 'Attempts',
  'col.group': 'Group',
  'col.members': 'Members',
  'col.lag': 'Lag',
  'col.behindFor': 'Behind for',
  'col.stalled': 'Stalled partitions',
  'col.crm': 'CRM',
  'col.siagh': 'Siagh',
  'col.earlier': 'Earlier values',
  'col.when': 'When',
  'col.status': 'Status',
  'col.direction': 'Direction',
  'col.trigger': 'Trigger',
  'col.fields': 'Fields',
  'col.error': 'Error or note',
  searchPlaceholder: '100-1231, CRM id, Siagh code',
  search: 'Search',
  keepCrm: 'Keep CRM',
  keepSiagh: 'Keep Siagh',
  redrive: 'Redrive',
  noConflicts: 'No open conflicts.',
  nothingWaits: 'Nothing waits.',
  waitingTotal: '{n} waiting',
  due: 'due ({time})',
  whenLinked: 'when {what} is linked',
  itsCustomer: 'its customer',
  'ago.s': '{n} s',
  'ago.min': '{n} min',
  'ago.h': '{n} h',
  inSync: 'in sync',
  behind: '{ago} behind',
  stalledSince: 'stalled since {clock}',
  unreachable: 'syncer not answering: {urls}',
  unknown: 'freshness unknown',
  noSyncer: 'no syncer to ask (SYNCER_URLS is not set)',
  oldestLive: 'oldest live change {ago} old',
  importOldest: 'import: oldest queued change {ago} old',
  importNothing: 'import: nothing queued',
  syncerOne: '{n} syncer',
  syncerMany: '{n} syncers',
  paused: '{headline} · PAUSED: {what}',
  pauseAll: 'all writes',
  pauseTo: 'writes to {scope}',
  comma: ', ',
  stalledPartition: '{partition} since {clock} ({n} waiting)',
  none: 'none',
  customerHead: '{key} · customer {number} · CRM {crm} · Siagh {siagh} · {status}',
  crmSide: 'CRM (Payamgostar)',
  siaghSide: 'Siagh',
  noRecord: 'no record seen yet',
  'origin.sync-write': 'written by the syncer',
  'origin.source-edit': 'edited here',
  'origin.linked': 'there at the first link',
  empty: '(empty)',
  provenance: 'change {event}, outcome {outcome}, correlation {correlation}',
  whyEachValue: 'Why each value',
  noMatch: 'No customer matches.',
  tehranTitle: 'Tehran {time}',
};

const fa = {
  title: 'SiaghSync · عملیات',
  switchTo: 'English',
  loading: 'در حال بارگذاری…',
  token: 'توکن اپراتور',
  tokenPlaceholder: 'برای حل تعارض و ارسال دوباره لازم است',
  signIn1: 'وارد نشده‌اید. پیوند داشبوردی را که',
  signIn2: 'چاپ کرد باز کنید، یا توکن خواندن را وارد کنید',
  signIn3: '، یا توکن اپراتور',
  readToken: 'توکن خواندن',
  signIn: 'ورود',
  notSignedIn: 'وارد نشده‌اید: پیوند داشبوردی را که npm start چاپ کرد باز کنید، یا توکن خواندن را وارد کنید',
  freshnessLabel: 'تازگی همگامی',
  summaryLabel: 'خلاصه',
  throughput: 'توان پردازش (نتیجه در دقیقه، یک ساعت گذشته)',
  throughputLabel: 'نمودار توان پردازش',
  failures: 'نرخ خطا (ناموفق، در حال تلاش دوباره، تعارض)',
  failuresLabel: 'نمودار نرخ خطا',
  noData: 'در این بازه داده‌ای نیست',
  views: 'نماها v{live}',
  rebuilding: ' · بازسازی v{version}: {pct}٪',
  'card.outcomes': 'نتیجه‌ها',
  'card.synced': 'همگام‌شده',
  'card.conflicts': 'تعارض‌های باز',
  'card.deadLetters': 'رویدادهای ناموفق',
  'card.linked': 'جفت‌های پیوندخورده',
  openConflicts: 'تعارض‌های باز',
  deadLetters: 'رویدادهای ناموفق',
  waitingWork: 'کارهای در انتظار',
  waitingLabel: 'کارهای در انتظار',
  customer: 'مشتری',
  consumerGroups: 'گروه‌های مصرف‌کننده',
  'col.entity': 'موجودیت',
  'col.field': 'فیلد',
  'col.crmValue': 'مقدار CRM',
  'col.siaghValue': 'مقدار سیاق',
  'col.base': 'مقدار پایه',
  'col.detected': 'زمان شناسایی',
  'col.state': 'وضعیت',
  'col.reason': 'علت',
  'col.message': 'پیام',
  'col.failed': 'زمان خطا',
  'col.kind': 'نوع',
  'col.customer': 'مشتری',
  'col.since': 'در انتظار از',
  'col.why': 'چرا',
  'col.next': 'تلاش بعدی',
  'col.attempts': 'تلاش‌ها',
  'col.group': 'گروه',
  'col.members': 'اعضا',
  'col.lag': 'عقب‌ماندگی',
  'col.behindFor': 'مدت عقب‌ماندگی',
  'col.stalled': 'پارتیشن‌های گیر کرده',
  'col.crm': 'CRM',
  'col.siagh': 'سیاق',
  'col.earlier': 'مقدارهای پیشین',
  'col.when': 'زمان',
  'col.status': 'وضعیت',
  'col.direction': 'جهت',
  'col.trigger': 'عامل',
  'col.fields': 'فیلدها',
  'col.error': 'خطا یا توضیح',
  searchPlaceholder: '100-1231، شناسهٔ CRM، کد سیاق',
  search: 'جستجو',
  keepCrm: 'مقدار CRM بماند',
  keepSiagh: 'مقدار سیاق بماند',
  redrive: 'ارسال دوباره',
  noConflicts: 'تعارض بازی نیست.',
  nothingWaits: 'کاری در انتظار نیست.',
  waitingTotal: '{n} در انتظار',
  due: 'سررسیده ({time})',
  whenLinked: 'وقتی {what} پیوند بخورد',
  itsCustomer: 'مشتری آن',
  'ago.s': '{n} ثانیه',
  'ago.min': '{n} دقیقه',
  'ago.h': '{n} ساعت',
  inSync: 'در همگامی',
  behind: '{ago} عقب‌تر',
  stalledSince: 'گیر کرده از {clock}',
  unreachable: 'همگام‌ساز پاسخ نمی‌دهد: {urls}',
  unknown: 'تازگی نامعلوم',
  noSyncer: 'هیچ همگام‌سازی برای پرسش نیست (SYNCER_URLS تنظیم نشده است)',
  oldestLive: 'قدیمی‌ترین تغییر زنده: {ago} پیش',
  importOldest: 'درون‌ریزی: قدیمی‌ترین تغییر در صف: {ago} پیش',
  importNothing: 'درون‌ریزی: چیزی در صف نیست',
  syncerOne: '{n} همگام‌ساز',
  syncerMany: '{n} همگام‌ساز',
  paused: '{headline} · مکث شده: {what}',
  pauseAll: 'همهٔ نوشتن‌ها',
  pauseTo: 'نوشتن در {scope}',
  comma: '، ',
  stalledPartition: '{partition} از {clock} ({n} در انتظار)',
  none: 'هیچ',
  customerHead: '{key} · مشتری {number} · CRM {crm} · سیاق {siagh} · {status}',
  crmSide: 'CRM (پیام‌گستر)',
  siaghSide: 'سیاق',
  noRecord: 'هنوز رکوردی دیده نشده',
  'origin.sync-write': 'نوشتهٔ همگام‌ساز',
  'origin.source-edit': 'همین‌جا ویرایش شده',
  'origin.linked': 'از نخستین پیوند بوده',
  empty: '(خالی)',
  provenance: 'تغییر {event}، نتیجه {outcome}، همبستگی {correlation}',
  whyEachValue: 'چرایی هر مقدار',
  noMatch: 'هیچ مشتری‌ای پیدا نشد.',
  tehran: 'تهران',
  // States and kinds are codes in English; in Persian they are read as words.
  'state.open': 'باز',
  'state.resolving': 'در حال حل',
  'state.pending': 'در انتظار',
  'state.redriven': 'دوباره ارسال شد',
  'state.retrying': 'در حال تلاش دوباره',
  'state.paused': 'مکث شده',
  'state.parked': 'کنار گذاشته',
  'state.waiting-for-link': 'در انتظار پیوند',
  'state.waiting-for-counterpart': 'در انتظار طرف مقابل',
  'kind.customer': 'مشتری',
  'kind.quote': 'پیش‌فاکتور',
};

export const MESSAGES = { en, fa };
const KEY = 'dashboardLang';

let lang = localStorage.getItem(KEY) === 'fa' ? 'fa' : 'en';
export const currentLang = () => lang;

export function setLang(next) {
  lang = next === 'fa' ? 'fa' : 'en';
  localStorage.setItem(KEY, lang);
  translatePage();
}

/** The template's text with {name} replaced; values may be DOM nodes, so this returns a list. */
export function parts(key, vars = {}) {
  const template = MESSAGES[lang][key] ?? en[key] ?? key;
  return template
    .split(/\{(\w+)\}/)
    .map((s, i) => (i % 2 ? (vars[s] ?? '') : s))
    .filter((x) => x !== '');
}

export const t = (key, vars) => parts(key, vars).join('');

/** A state or kind code, as a word in Persian; the code itself in English (and when unknown). */
export const code = (prefix, value) =>
  value == null ? value : (MESSAGES[lang][`${prefix}.${value}`] ?? value);

export const num = (n, digits) =>
  new Intl.NumberFormat(lang === 'fa' ? 'fa-IR' : 'en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(n);

/** Seconds as the largest unit that still reads well: 37 s, 2 min, 1.5 h. */
export const ago = (s) =>
  s < 90
    ? t('ago.s', { n: num(Math.round(s)) })
    : s < 5400
      ? t('ago.min', { n: num(Math.round(s / 60)) })
      : t('ago.h', { n: num(s / 3600, 1) });

/** Hours and minutes in the browser's own time zone. */
export const clock = (ms) =>
  lang === 'fa'
    ? new Intl.DateTimeFormat('fa-IR', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms)
    : new Date(ms).toTimeString().slice(0, 5);

const TEHRAN = {
  timeZone: 'Asia/Tehran',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
};
const JALALI = {
  fa: new Intl.DateTimeFormat('fa-IR-u-ca-persian', TEHRAN),
  latn: new Intl.DateTimeFormat('fa-IR-u-ca-persian-nu-latn', TEHRAN),
};

/**
 * The Jalali date and time in Tehran by the platform's calendar (no conversion of our own):
 * 2025-11-20T08:00:00Z → "۱۴۰۴/۰۸/۲۹ ۱۱:۳۰:۰۰", or "1404/08/29 11:30:00" with digits 'latn'.
 */
export function jalali(ms, digits = 'fa') {
  const p = {};
  for (const { type, value } of JALALI[digits].formatToParts(ms)) p[type] = value;
  return `${p.year}/${p.month}/${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

export const utc = (ms) => `${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)} UTC`;

/**
 * A moment in both calendars: in English the UTC time and the Jalali date small after it; in
 * Persian the Jalali date and time in Tehran and the UTC time small after it.
 */
export function when(ms) {
  if (!ms) return '—';
  const el = document.createElement('time');
  el.dateTime = new Date(ms).toISOString();
  const main = document.createElement('bdi');
  const other = document.createElement('bdi');
  if (lang === 'fa') {
    main.textContent = `${jalali(ms)} ${fa.tehran}`;
    other.dir = 'ltr';
    other.textContent = utc(ms);
  } else {
    el.title = t('tehranTitle', { time: jalali(ms, 'latn') });
    main.textContent = utc(ms);
    other.textContent = jalali(ms, 'latn').slice(0, 10);
  }
  const small = document.createElement('small');
  small.append(' · ', other);
  el.append(main, small);
  return el;
}

/** The labels written in index.html: data-i18n (text), data-i18n-placeholder, data-i18n-aria-label. */
export function translatePage() {
  const root = document.documentElement;
  root.lang = lang;
  root.dir = lang === 'fa' ? 'rtl' : 'ltr';
  document.title = t('title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]'))
    el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of document.querySelectorAll('[data-i18n-aria-label]'))
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
}
