// A small path language for the `crm:` side of the field mapping, so that which CRM property holds a
// canonical field is configuration, not code. A path is dot-separated segments, each `name` or
// `name[selector]`, where the selector picks one element of an array:
//   [0], [1] ...      by index
//   [default]         the element with `default: true`, else the first one
//   [key=value]       the first element whose `key` equals `value` (e.g. extendedProperties[userKey=Code])
//   [mobile]          the first phone whose number is an Iranian mobile (phoneContacts)
//   [landline]        the first phone whose number is not a mobile
// Examples: `nickName`, `addressContacts[default].city`, `phoneContacts[mobile].phoneNumber`.

import { isIranianMobile } from '../normalize/phone';

type Selector =
  | { kind: 'index'; index: number }
  | { kind: 'default' }
  | { kind: 'match'; key: string; value: string }
  | { kind: 'mobile' }
  | { kind: 'landline' };

interface Segment {
  name: string;
  selector?: Selector;
}

const SEGMENT_RE = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]+)\])?$/;
type Obj = Record<string, unknown>;

/** Parses a path; throws an Error with a readable reason (the config loader reports it with the key). */
export function parseCrmPath(path: string): Segment[] {
  const segments = path.split('.').map((raw): Segment => {
    const m = SEGMENT_RE.exec(raw);
    if (!m?.[1]) throw new Error(`invalid path segment "${raw}"`);
    const sel = m[2];
    if (sel === undefined) return { name: m[1] };
    return { name: m[1], selector: parseSelector(sel) };
  });
  return segments;
}

function parseSelector(sel: string): Selector {
  if (/^\d+$/.test(sel)) return { kind: 'index', index: Number(sel) };
  if (sel === 'default' || sel === 'mobile' || sel === 'landline') return { kind: sel };
  const eq = sel.indexOf('=');
  if (eq > 0) return { kind: 'match', key: sel.slice(0, eq), value: sel.slice(eq + 1) };
  throw new Error(`invalid selector "[${sel}]"`);
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function phoneOf(el: unknown): string {
  return isObj(el) && typeof el.phoneNumber === 'string' ? el.phoneNumber : '';
}

function findIndex(arr: unknown[], selector: Selector): number {
  switch (selector.kind) {
    case 'index':
      return selector.index < arr.length ? selector.index : -1;
    case 'default': {
      const i = arr.findIndex((el) => isObj(el) && el.default === true);
      return i >= 0 ? i : arr.length > 0 ? 0 : -1;
    }
    case 'match':
      return arr.findIndex((el) => isObj(el) && String(el[selector.key]) === selector.value);
    case 'mobile':
      return arr.findIndex((el) => isIranianMobile(phoneOf(el)));
    case 'landline':
      return arr.findIndex((el) => phoneOf(el) !== '' && !isIranianMobile(phoneOf(el)));
  }
}

/** The value at `path`, or undefined when any step is missing. */
export function getCrmPath(body: unknown, path: string): unknown {
  let cur: unknown = body;
  for (const seg of parseCrmPath(path)) {
    if (!isObj(cur)) return undefined;
    cur = cur[seg.name];
    if (seg.selector) {
      if (!Array.isArray(cur)) return undefined;
      const i = findIndex(cur, seg.selector);
      cur = i >= 0 ? cur[i] : undefined;
    }
  }
  return cur;
}

/** A new element for an array selector that found nothing: it must be found again by the same selector. */
function seedElement(selector: Selector, arr: unknown[]): Obj {
  const isFirst = !arr.some((el) => isObj(el) && el.default === true);
  switch (selector.kind) {
    case 'match':
      return { [selector.key]: selector.value };
    case 'mobile':
      return { default: isFirst, phoneType: 'Mobile' };
    case 'landline':
      return { default: isFirst, phoneType: 'Phone' };
    default:
      return { default: isFirst };
  }
}

/**
 * Sets `value` at `path` in `body` (mutates), creating objects and array elements on the way. Setting ''
 * on a path whose last array step is a phone selector removes that phone: an empty phone entry in the CRM
 * would read back as a different record.
 */
export function setCrmPath(body: Obj, path: string, value: unknown): void {
  const segments = parseCrmPath(path);
  let cur: Obj = body;
  segments.forEach((seg, idx) => {
    const last = idx === segments.length - 1;
    if (!seg.selector) {
      if (last) cur[seg.name] = value;
      else {
        if (!isObj(cur[seg.name])) cur[seg.name] = {};
        cur = cur[seg.name] as Obj;
      }
      return;
    }
    if (!Array.isArray(cur[seg.name])) cur[seg.name] = [];
    const arr = cur[seg.name] as unknown[];
    let i = findIndex(arr, seg.selector);
    const isPhoneSel = seg.selector.kind === 'mobile' || seg.selector.kind === 'landline';
    if (isPhoneSel && value === '' && idx === segments.length - 2) {
      if (i >= 0) arr.splice(i, 1);
      cur = {}; // the write lands in a detached object: the element is gone
      return;
    }
    if (i < 0) {
      arr.push(seedElement(seg.selector, arr));
      i = arr.length - 1;
    }
    if (last) arr[i] = value;
    else {
      if (!isObj(arr[i])) arr[i] = {};
      cur = arr[i] as Obj;
    }
  });
}
