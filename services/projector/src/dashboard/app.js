/* global document, sessionStorage, setInterval */
import { drawChart } from './chart.js';
import { bindCustomerSearch, redrawCustomer } from './customer.js';
import { $, api, bdi, cell, emptyRow, say } from './dom.js';
import { ago, clock, code, currentLang, num, parts, setLang, t, translatePage, when } from './i18n.js';

// Every value from the API is put in the page as text, by textContent or append() (never innerHTML):
// names and messages come from two external systems. Persian content gets dir="auto" so it reads
// right-to-left whatever the page's language. Labels come from i18n.js, in English or Persian.

const tokenInput = $('#token');
tokenInput.value = sessionStorage.getItem('operatorToken') ?? '';
tokenInput.addEventListener('change', () => sessionStorage.setItem('operatorToken', tokenInput.value));

const langSwitch = $('#lang-switch');
function showLanguage() {
  translatePage();
  // The switch names the other language, in that language.
  langSwitch.lang = currentLang() === 'fa' ? 'en' : 'fa';
}
showLanguage();
$('#view-status').textContent = t('loading');
langSwitch.addEventListener('click', async () => {
  setLang(currentLang() === 'fa' ? 'en' : 'fa');
  showLanguage();
  await refresh();
  await redrawCustomer();
});

function button(label, onClick, testId) {
  const b = document.createElement('button');
  b.textContent = label;
  b.dataset.testid = testId;
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await onClick();
      await refresh();
    } catch (err) {
      say(err.message);
      b.disabled = false;
    }
  });
  return b;
}

async function loadSummary() {
  const s = await api('/api/summary');
  const cards = [
    ['card.outcomes', s.outcomes.total],
    [
      'card.synced',
      (s.outcomes.byStatus.synced ?? 0) +
        (s.outcomes.byStatus.created ?? 0) +
        (s.outcomes.byStatus.linked ?? 0),
    ],
    ['card.conflicts', s.conflicts.open + s.conflicts.resolving],
    ['card.deadLetters', s.deadLetters.pending],
    ['card.linked', s.entities.linked],
  ];
  $('#cards').replaceChildren(
    ...cards.map(([label, n]) => {
      const d = document.createElement('div');
      d.className = 'card';
      const b = document.createElement('b');
      b.textContent = num(n);
      d.append(b, t(label));
      return d;
    }),
  );
  const v = await api('/api/views');
  $('#view-status').textContent =
    t('views', { live: v.live }) +
    (v.rebuild
      ? t('rebuilding', { version: v.rebuild.version, pct: num(Math.floor(v.rebuild.ratio * 100)) })
      : '');
}

async function loadCharts() {
  const latest = (await api('/api/audit?limit=1')).items[0];
  const to = (latest ? latest.occurredAt : Date.now()) + 60_000;
  const { series } = await api(`/api/counters?granularity=minute&from=${to - 3_600_000}&to=${to}`);
  drawChart(
    $('#chart-throughput'),
    series.map((p) => ({ x: p.bucket, y: p.total })),
    { kind: 'bar', format: (v) => num(v), empty: t('noData') },
  );
  drawChart(
    $('#chart-failures'),
    series.map((p) => ({ x: p.bucket, y: p.failureRate })),
    {
      kind: 'line',
      color: '#b3261e',
      yMax: 1,
      format: (v) => new Intl.NumberFormat(currentLang(), { style: 'percent' }).format(v),
      empty: t('noData'),
    },
  );
}

async function loadConflicts() {
  const { items } = await api('/api/conflicts?state=unsettled&limit=100');
  $('#conflicts tbody').replaceChildren(
    ...items.map((c) => {
      const tr = document.createElement('tr');
      tr.dataset.conflictId = c.conflictId;
      const actions = document.createElement('td');
      if (c.state === 'open') {
        actions.append(
          button(
            t('keepCrm'),
            () =>
              api(`/api/conflicts/${encodeURIComponent(c.conflictId)}/resolve`, {
                method: 'POST',
                body: JSON.stringify({ choice: 'crm' }),
              }),
            `resolve-crm-${c.conflictId}`,
          ),
          ' ',
          button(
            t('keepSiagh'),
            () =>
              api(`/api/conflicts/${encodeURIComponent(c.conflictId)}/resolve`, {
                method: 'POST',
                body: JSON.stringify({ choice: 'siagh' }),
              }),
            `resolve-siagh-${c.conflictId}`,
          ),
        );
      }
      tr.append(
        cell(c.canonicalKey, { cls: 'code' }),
        cell(c.field),
        cell(c.conflict?.crmValue, { rtl: true }),
        cell(c.conflict?.siaghValue, { rtl: true }),
        cell(c.conflict?.baseValue, { rtl: true }),
        cell(when(c.detectedAt)),
        cell(code('state', c.state), { cls: `state state-${c.state}` }),
        actions,
      );
      return tr;
    }),
  );
  if (items.length === 0) $('#conflicts tbody').append(emptyRow(t('noConflicts'), 8));
}

async function loadDeadLetters() {
  const { items } = await api('/api/dead-letters?limit=100');
  $('#dead-letters tbody').replaceChildren(
    ...items.map((d) => {
      const tr = document.createElement('tr');
      const actions = document.createElement('td');
      actions.append(
        button(
          t('redrive'),
          () => api(`/api/dead-letters/${encodeURIComponent(d.deadLetterId)}/redrive`, { method: 'POST' }),
          `redrive-${d.deadLetterId}`,
        ),
      );
      tr.append(
        cell(d.canonicalKey, { cls: 'code' }),
        cell(d.reasonCode),
        cell(d.sourceMessage ?? d.message, { rtl: true }),
        cell(when(d.lastFailedAt)),
        cell(code('state', d.redriveState)),
        actions,
      );
      return tr;
    }),
  );
}

const PENDING_STATES = ['retrying', 'paused', 'parked', 'waiting-for-link', 'waiting-for-counterpart'];

function nextAttempt(d) {
  if (d.nextAttemptAt)
    return d.nextAttemptAt > Date.now()
      ? when(d.nextAttemptAt)
      : parts('due', { time: when(d.nextAttemptAt) });
  if (d.state === 'waiting-for-link')
    return parts('whenLinked', { what: d.waitingFor ? bdi(d.waitingFor) : t('itsCustomer') });
  return '—';
}

/** Work that waits (GET /api/pending): the 50 oldest waits, and how many wait in each state. */
async function loadPending() {
  const { items, counts } = await api('/api/pending?limit=50');
  $('#pending-counts').replaceChildren(
    ...[['total', counts.total], ...PENDING_STATES.map((s) => [s, counts[s] ?? 0])].map(([s, n]) => {
      const chip = document.createElement('span');
      chip.className = s === 'total' ? 'chip' : `chip pending-${s}`;
      chip.dataset.state = s;
      chip.textContent = s === 'total' ? t('waitingTotal', { n: num(n) }) : `${code('state', s)}: ${num(n)}`;
      return chip;
    }),
  );
  $('#pending-list tbody').replaceChildren(
    ...items.map((d) => {
      const tr = document.createElement('tr');
      tr.dataset.key = d.canonicalKey;
      tr.dataset.state = d.state;
      const since = d.since ? [`${ago((Date.now() - d.since) / 1000)} · `, when(d.since)] : '—';
      tr.append(
        cell(d.canonicalKey, { cls: 'code' }),
        cell(code('kind', d.kind)),
        cell(d.customerNumber, { cls: 'code' }),
        cell(code('state', d.state), { cls: `pending-${d.state}` }),
        cell(since),
        cell(`${d.reasonCode}: ${d.sourceMessage ?? d.message}`, { rtl: true }),
        cell(nextAttempt(d)),
        cell(num(d.attempts)),
      );
      return tr;
    }),
  );
  if (items.length === 0) $('#pending-list tbody').append(emptyRow(t('nothingWaits'), 8));
}

async function loadFreshness() {
  const f = await api('/api/freshness');
  const box = $('#freshness');
  const down = f.syncers.filter((s) => !s.reachable);
  const headline = {
    'in-sync': () => t('inSync'),
    behind: () => t('behind', { ago: ago(f.liveSeconds) }),
    stalled: () => t('stalledSince', { clock: clock(f.stalledSince) }),
    unreachable: () => t('unreachable', { urls: down.map((s) => s.url).join(t('comma')) }),
    unknown: () => t('unknown'),
  }[f.state]?.();
  const detail =
    f.state === 'unknown'
      ? t('noSyncer')
      : [
          f.state === 'stalled' && f.liveSeconds >= 1 ? t('oldestLive', { ago: ago(f.liveSeconds) }) : null,
          f.bulkSeconds >= 1 ? t('importOldest', { ago: ago(f.bulkSeconds) }) : t('importNothing'),
          t(f.syncers.length === 1 ? 'syncerOne' : 'syncerMany', { n: num(f.syncers.length) }),
        ]
          .filter(Boolean)
          .join(' · ');
  // An operator's pause (syncctl pause) is said first: writes wait on purpose, nothing is late.
  const paused = (f.paused ?? []).map((p) =>
    p.scope === 'all'
      ? t('pauseAll')
      : p.scope.startsWith('customer:')
        ? p.scope
        : t('pauseTo', { scope: p.scope }),
  );
  $('#freshness-headline').textContent = paused.length
    ? t('paused', { headline, what: paused.join(t('comma')) })
    : headline;
  // Why writes wait (an operator's reason; the mapping check names the fields the services read apart).
  const why = (f.paused ?? []).map((p) => p.reason).filter(Boolean);
  $('#freshness-detail').textContent = [detail, ...why].filter(Boolean).join(' · ');
  box.className = `freshness ${f.alert ? 'alert' : paused.length || f.state === 'behind' ? 'behind' : f.state === 'unknown' ? 'unknown' : 'ok'}`;
  box.dataset.state = f.state;
  box.dataset.paused = String(paused.length > 0);
}

async function loadLag() {
  const { groups } = await api('/api/lag');
  $('#lag tbody').replaceChildren(
    ...groups.map((g) => {
      const tr = document.createElement('tr');
      const stalled = g.stalled.map((p) =>
        t('stalledPartition', {
          partition: `${p.topic}/${p.partition}`,
          clock: clock(p.since),
          n: num(p.lag),
        }),
      );
      tr.append(
        cell(g.group),
        cell(g.state),
        cell(num(g.members), { cls: g.members === 0 ? 'bad' : undefined }),
        cell(num(g.lag)),
        cell(g.lag > 0 ? ago(g.behindSeconds) : '—'),
        cell(stalled.length ? stalled.join(t('comma')) : t('none'), {
          cls: stalled.length ? 'bad' : undefined,
        }),
      );
      return tr;
    }),
  );
}

bindCustomerSearch();

async function refresh() {
  try {
    await Promise.all([
      loadFreshness(),
      loadSummary(),
      loadCharts(),
      loadConflicts(),
      loadDeadLetters(),
      loadPending(),
      loadLag(),
    ]);
    document.body.dataset.loaded = 'true';
  } catch (err) {
    say(err.message);
  }
}

await refresh();
setInterval(refresh, 3000);
