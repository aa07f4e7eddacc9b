/* global document, sessionStorage, fetch, setInterval */
import { drawChart } from './chart.js';

// Every value from the API is put in the page with textContent (never innerHTML): names and
// messages come from two external systems. Persian content gets dir="auto" so it reads right-to-left.

const $ = (sel) => document.querySelector(sel);
const tokenInput = $('#token');
tokenInput.value = sessionStorage.getItem('operatorToken') ?? '';
tokenInput.addEventListener('change', () => sessionStorage.setItem('operatorToken', tokenInput.value));

async function api(path, init = {}) {
  const headers = { ...(init.headers ?? {}) };
  if (init.method === 'POST') {
    headers['Content-Type'] = 'application/json';
    if (tokenInput.value) headers.Authorization = `Bearer ${tokenInput.value}`;
  }
  // Reads carry the session cookie (HttpOnly: this script never sees it) set by /?token=.
  const res = await fetch(path, { ...init, headers, credentials: 'same-origin' });
  const body = await res.json().catch(() => null);
  if (res.status === 401 && init.method !== 'POST') {
    $('#sign-in').hidden = false;
    throw new Error('not signed in: open the dashboard link npm start printed, or enter the read token');
  }
  if (!res.ok) throw new Error(body?.message ?? body?.error ?? `HTTP ${res.status}`);
  return body;
}

function cell(text, { rtl = false, cls } = {}) {
  const td = document.createElement('td');
  td.textContent = text ?? '—';
  if (rtl) td.dir = 'auto';
  if (cls) td.className = cls;
  return td;
}

const when = (ms) => (ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '—');
const say = (text) => ($('#message').textContent = text);

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
    ['Outcomes', s.outcomes.total],
    [
      'Synced',
      (s.outcomes.byStatus.synced ?? 0) +
        (s.outcomes.byStatus.created ?? 0) +
        (s.outcomes.byStatus.linked ?? 0),
    ],
    ['Open conflicts', s.conflicts.open + s.conflicts.resolving],
    ['Dead letters', s.deadLetters.pending],
    ['Linked pairs', s.entities.linked],
  ];
  $('#cards').replaceChildren(
    ...cards.map(([label, n]) => {
      const d = document.createElement('div');
      d.className = 'card';
      const b = document.createElement('b');
      b.textContent = String(n);
      d.append(b, label);
      return d;
    }),
  );
  const v = await api('/api/views');
  $('#view-status').textContent =
    `views v${v.live}` +
    (v.rebuild ? ` · rebuilding v${v.rebuild.version}: ${Math.floor(v.rebuild.ratio * 100)}%` : '');
}

async function loadCharts() {
  const latest = (await api('/api/audit?limit=1')).items[0];
  const to = (latest ? latest.occurredAt : Date.now()) + 60_000;
  const { series } = await api(`/api/counters?granularity=minute&from=${to - 3_600_000}&to=${to}`);
  drawChart(
    $('#chart-throughput'),
    series.map((p) => ({ x: p.bucket, y: p.total })),
    { kind: 'bar' },
  );
  drawChart(
    $('#chart-failures'),
    series.map((p) => ({ x: p.bucket, y: p.failureRate })),
    {
      kind: 'line',
      color: '#b3261e',
      yMax: 1,
      format: (v) => `${Math.round(v * 100)}%`,
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
            'Keep CRM',
            () =>
              api(`/api/conflicts/${encodeURIComponent(c.conflictId)}/resolve`, {
                method: 'POST',
                body: JSON.stringify({ choice: 'crm' }),
              }),
            `resolve-crm-${c.conflictId}`,
          ),
          ' ',
          button(
            'Keep Siagh',
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
        cell(c.canonicalKey),
        cell(c.field),
        cell(c.conflict?.crmValue, { rtl: true }),
        cell(c.conflict?.siaghValue, { rtl: true }),
        cell(c.conflict?.baseValue, { rtl: true }),
        cell(when(c.detectedAt)),
        cell(c.state, { cls: `state state-${c.state}` }),
        actions,
      );
      return tr;
    }),
  );
  if (items.length === 0)
    $('#conflicts tbody').append(
      Object.assign(document.createElement('tr'), { innerText: 'No open conflicts.' }),
    );
}

async function loadDeadLetters() {
  const { items } = await api('/api/dead-letters?limit=100');
  $('#dead-letters tbody').replaceChildren(
    ...items.map((d) => {
      const tr = document.createElement('tr');
      const actions = document.createElement('td');
      actions.append(
        button(
          'Redrive',
          () => api(`/api/dead-letters/${encodeURIComponent(d.deadLetterId)}/redrive`, { method: 'POST' }),
          `redrive-${d.deadLetterId}`,
        ),
      );
      tr.append(
        cell(d.canonicalKey),
        cell(d.reasonCode),
        cell(d.sourceMessage ?? d.message, { rtl: true }),
        cell(when(d.lastFailedAt)),
        cell(d.redriveState),
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
      ? `${when(d.nextAttemptAt)} UTC`
      : `due (${when(d.nextAttemptAt)} UTC)`;
  if (d.state === 'waiting-for-link') return `when ${d.waitingFor ?? 'its customer'} is linked`;
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
      chip.textContent = s === 'total' ? `${n} waiting` : `${s}: ${n}`;
      return chip;
    }),
  );
  $('#pending-list tbody').replaceChildren(
    ...items.map((d) => {
      const tr = document.createElement('tr');
      tr.dataset.key = d.canonicalKey;
      tr.dataset.state = d.state;
      const since = d.since ? `${ago((Date.now() - d.since) / 1000)} · ${when(d.since)} UTC` : '—';
      tr.append(
        cell(d.canonicalKey),
        cell(d.kind),
        cell(d.customerNumber),
        cell(d.state, { cls: `pending-${d.state}` }),
        cell(since),
        cell(`${d.reasonCode}: ${d.sourceMessage ?? d.message}`, { rtl: true }),
        cell(nextAttempt(d)),
        cell(String(d.attempts)),
      );
      return tr;
    }),
  );
  if (items.length === 0) {
    const tr = document.createElement('tr');
    const td = cell('Nothing waits.');
    td.colSpan = 8;
    tr.append(td);
    $('#pending-list tbody').append(tr);
  }
}

const ago = (s) =>
  s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
const clock = (ms) => new Date(ms).toTimeString().slice(0, 5);

async function loadFreshness() {
  const f = await api('/api/freshness');
  const box = $('#freshness');
  const down = f.syncers.filter((s) => !s.reachable);
  const headline = {
    'in-sync': 'in sync',
    behind: `${ago(f.liveSeconds)} behind`,
    stalled: `stalled since ${clock(f.stalledSince)}`,
    unreachable: `syncer not answering: ${down.map((s) => s.url).join(', ')}`,
    unknown: 'freshness unknown',
  }[f.state];
  const detail =
    f.state === 'unknown'
      ? 'no syncer to ask (SYNCER_URLS is not set)'
      : [
          f.state === 'stalled' && f.liveSeconds >= 1 ? `oldest live change ${ago(f.liveSeconds)} old` : null,
          f.bulkSeconds >= 1
            ? `import: oldest queued change ${ago(f.bulkSeconds)} old`
            : 'import: nothing queued',
          `${f.syncers.length} syncer${f.syncers.length === 1 ? '' : 's'}`,
        ]
          .filter(Boolean)
          .join(' · ');
  // An operator's pause (syncctl pause) is said first: writes wait on purpose, nothing is late.
  const paused = (f.paused ?? []).map((p) =>
    p.scope === 'all' ? 'all writes' : p.scope.startsWith('customer:') ? p.scope : `writes to ${p.scope}`,
  );
  $('#freshness-headline').textContent = paused.length
    ? `${headline} · PAUSED: ${paused.join(', ')}`
    : headline;
  $('#freshness-detail').textContent = detail;
  box.className = `freshness ${f.alert ? 'alert' : paused.length || f.state === 'behind' ? 'behind' : f.state === 'unknown' ? 'unknown' : 'ok'}`;
  box.dataset.state = f.state;
  box.dataset.paused = String(paused.length > 0);
}

async function loadLag() {
  const { groups } = await api('/api/lag');
  $('#lag tbody').replaceChildren(
    ...groups.map((g) => {
      const tr = document.createElement('tr');
      const stalled = g.stalled.map(
        (p) => `${p.topic}/${p.partition} since ${clock(p.since)} (${p.lag} waiting)`,
      );
      tr.append(
        cell(g.group),
        cell(g.state),
        cell(String(g.members), { cls: g.members === 0 ? 'bad' : undefined }),
        cell(String(g.lag)),
        cell(g.lag > 0 ? ago(g.behindSeconds) : '—'),
        cell(stalled.length ? stalled.join(', ') : 'none', { cls: stalled.length ? 'bad' : undefined }),
      );
      return tr;
    }),
  );
}

function recordBox(title, side) {
  const box = document.createElement('div');
  const h = document.createElement('h3');
  h.textContent = side ? `${title} · ${when(side.at)}` : `${title} · no record seen yet`;
  const pre = document.createElement('pre');
  pre.dir = 'auto';
  pre.textContent = side ? JSON.stringify(side.record, null, 2) : '';
  box.append(h, pre);
  return box;
}

const ORIGIN = {
  'sync-write': 'written by the syncer',
  'source-edit': 'edited here',
  linked: 'there at the first link',
};

// One line per side: the value, how it got there and the decision behind it (syncctl why says more).
function provenanceCell(p) {
  const td = document.createElement('td');
  if (!p) {
    td.textContent = '—';
    return td;
  }
  // The value isolated (Persian reads right-to-left), the explanation after it left-to-right.
  const value = document.createElement('bdi');
  value.textContent = p.value ?? '(empty)';
  const how = document.createElement('small');
  how.textContent = ` · ${ORIGIN[p.origin] ?? p.origin} · ${p.reason} · ${when(p.at)}`;
  td.title = `change ${p.sourceEventId}, outcome ${p.outcomeId}, correlation ${p.correlationId}`;
  td.append(value, how);
  return td;
}

async function lineageTable(key) {
  const lineage = await api(`/api/entities/${encodeURIComponent(key)}/lineage`).catch(() => null);
  const table = document.createElement('table');
  table.className = 'lineage';
  table.innerHTML =
    '<caption>Why each value</caption><thead><tr><th>Field</th><th>CRM</th><th>Siagh</th><th>Earlier values</th></tr></thead>';
  const body = document.createElement('tbody');
  for (const f of lineage?.fields ?? []) {
    const tr = document.createElement('tr');
    tr.dataset.field = f.field;
    const earlier = document.createElement('td');
    for (const [i, h] of f.history.entries()) {
      const v = document.createElement('bdi');
      v.textContent = h.value ?? '(empty)';
      earlier.append(`${i > 0 ? ' · ' : ''}${h.side}: `, v);
    }
    if (f.history.length === 0) earlier.textContent = '—';
    tr.append(cell(f.field), provenanceCell(f.crm), provenanceCell(f.siagh), earlier);
    body.append(tr);
  }
  table.append(body);
  return table;
}

async function showCustomer(key) {
  const d = await api(`/api/entities/${encodeURIComponent(key)}`);
  const out = $('#customer');
  const head = document.createElement('p');
  head.textContent = `${d.mapping.canonicalKey} · customer ${d.mapping.customerNumber ?? '—'} · CRM ${d.mapping.crmId ?? '—'} · Siagh ${d.mapping.siaghId ?? '—'} · ${d.mapping.status}`;
  const sides = document.createElement('div');
  sides.className = 'side-by-side';
  sides.append(recordBox('CRM (Payamgostar)', d.records.crm), recordBox('Siagh', d.records.siagh));
  const table = document.createElement('table');
  table.innerHTML =
    '<thead><tr><th>When</th><th>Status</th><th>Direction</th><th>Trigger</th><th>Fields</th><th>Error</th></tr></thead>';
  const body = document.createElement('tbody');
  for (const h of d.history) {
    const tr = document.createElement('tr');
    tr.append(
      cell(when(h.occurredAt)),
      cell(h.status),
      cell(h.direction),
      cell(h.trigger),
      cell(h.changedFields.join(', ')),
      cell(h.error?.sourceMessage ?? h.error?.message, { rtl: true }),
    );
    body.append(tr);
  }
  table.append(body);
  out.replaceChildren(head, sides, await lineageTable(key), table);
}

$('#search').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const { items } = await api(`/api/entities?q=${encodeURIComponent($('#q').value)}`);
    if (items.length === 0) return void ($('#customer').textContent = 'No customer matches.');
    await showCustomer(items[0].canonicalKey);
  } catch (err) {
    say(err.message);
  }
});

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
