/* global document, fetch */
import { t } from './i18n.js';

// The dashboard's calls to its API and the few element builders every panel uses. API values go in
// as text (textContent, append), never as markup.

export const $ = (sel) => document.querySelector(sel);

export async function api(path, init = {}) {
  const headers = { ...(init.headers ?? {}) };
  if (init.method === 'POST') {
    headers['Content-Type'] = 'application/json';
    if ($('#token').value) headers.Authorization = `Bearer ${$('#token').value}`;
  }
  // Reads carry the session cookie (HttpOnly: this script never sees it) set by /?token=.
  const res = await fetch(path, { ...init, headers, credentials: 'same-origin' });
  const body = await res.json().catch(() => null);
  if (res.status === 401 && init.method !== 'POST') {
    $('#sign-in').hidden = false;
    throw new Error(t('notSignedIn'));
  }
  if (!res.ok) throw new Error(body?.message ?? body?.error ?? `HTTP ${res.status}`);
  return body;
}

/** content: text, a node (a time) or a list of both; append makes text nodes, never markup. */
export function cell(content, { rtl = false, cls } = {}) {
  const td = document.createElement('td');
  td.append(...[content ?? '—'].flat());
  if (rtl) td.dir = 'auto';
  if (cls) td.className = cls;
  return td;
}

export function headRow(keys) {
  const head = document.createElement('thead');
  const tr = document.createElement('tr');
  for (const key of keys) tr.append(Object.assign(document.createElement('th'), { textContent: t(key) }));
  head.append(tr);
  return head;
}

/** An API value inside a sentence, isolated: in Persian text "100-1231" would otherwise read "1231-100". */
export const bdi = (text) => Object.assign(document.createElement('bdi'), { textContent: text });

/** One row across the whole table, for "nothing here". */
export function emptyRow(text, columns) {
  const tr = document.createElement('tr');
  const td = cell(text);
  td.colSpan = columns;
  tr.append(td);
  return tr;
}

export const say = (text) => ($('#message').textContent = text);
