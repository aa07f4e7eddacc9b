/* global document */
import { code, parts, t, when } from './i18n.js';
import { $, api, bdi, cell, headRow, say } from './dom.js';

// The customer view: both systems' records side by side, why each value is there, and the history.

let shownCustomer = null;

function recordBox(title, side) {
  const box = document.createElement('div');
  const h = document.createElement('h3');
  h.append(`${title} · `, side ? when(side.at) : t('noRecord'));
  const pre = document.createElement('pre');
  pre.dir = 'auto';
  pre.textContent = side ? JSON.stringify(side.record, null, 2) : '';
  box.append(h, pre);
  return box;
}

// One line per side: the value, how it got there and the decision behind it (syncctl why says more).
function provenanceCell(p) {
  const td = document.createElement('td');
  if (!p) {
    td.textContent = '—';
    return td;
  }
  // The value isolated (Persian reads right-to-left), the explanation after it in the page's direction.
  const value = document.createElement('bdi');
  value.textContent = p.value ?? t('empty');
  const how = document.createElement('small');
  how.append(` · ${code('origin', p.origin)} · ${p.reason} · `, when(p.at));
  td.title = t('provenance', {
    event: p.sourceEventId,
    outcome: p.outcomeId,
    correlation: p.correlationId,
  });
  td.append(value, how);
  return td;
}

async function lineageTable(key) {
  const lineage = await api(`/api/entities/${encodeURIComponent(key)}/lineage`).catch(() => null);
  const table = document.createElement('table');
  table.className = 'lineage';
  const caption = document.createElement('caption');
  caption.textContent = t('whyEachValue');
  table.append(caption, headRow(['col.field', 'col.crm', 'col.siagh', 'col.earlier']));
  const body = document.createElement('tbody');
  for (const f of lineage?.fields ?? []) {
    const tr = document.createElement('tr');
    tr.dataset.field = f.field;
    const earlier = document.createElement('td');
    for (const [i, h] of f.history.entries()) {
      const v = document.createElement('bdi');
      v.textContent = h.value ?? t('empty');
      earlier.append(i > 0 ? ' · ' : '', bdi(`${h.side}:`), ' ', v);
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
  head.append(
    ...parts('customerHead', {
      key: bdi(d.mapping.canonicalKey),
      number: bdi(d.mapping.customerNumber ?? '—'),
      crm: bdi(d.mapping.crmId ?? '—'),
      siagh: bdi(d.mapping.siaghId ?? '—'),
      status: bdi(d.mapping.status),
    }),
  );
  const sides = document.createElement('div');
  sides.className = 'side-by-side';
  sides.append(recordBox(t('crmSide'), d.records.crm), recordBox(t('siaghSide'), d.records.siagh));
  const table = document.createElement('table');
  table.append(
    headRow(['col.when', 'col.status', 'col.direction', 'col.trigger', 'col.fields', 'col.error']),
  );
  const body = document.createElement('tbody');
  for (const h of d.history) {
    const tr = document.createElement('tr');
    tr.append(
      cell(when(h.occurredAt)),
      cell(h.status),
      cell(h.direction),
      cell(h.trigger),
      cell(h.changedFields.join(', ')),
      cell(h.error?.sourceMessage ?? h.error?.message ?? h.note, { rtl: true }),
    );
    body.append(tr);
  }
  table.append(body);
  out.replaceChildren(head, sides, await lineageTable(key), table);
  shownCustomer = key;
}

/** Shows the customer again, in the page's current language (after a language switch). */
export async function redrawCustomer() {
  if (shownCustomer) await showCustomer(shownCustomer).catch((err) => say(err.message));
}

export function bindCustomerSearch() {
  $('#search').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const { items } = await api(`/api/entities?q=${encodeURIComponent($('#q').value)}`);
      if (items.length === 0) {
        shownCustomer = null;
        return void ($('#customer').textContent = t('noMatch'));
      }
      await showCustomer(items[0].canonicalKey);
    } catch (err) {
      say(err.message);
    }
  });
}
