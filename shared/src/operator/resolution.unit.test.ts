import { SyncError } from '../errors';
import {
  jsonValueProblem,
  parseResolution,
  parseResolutionValue,
  resolutionValueProblem,
} from './resolution';

const resolution = {
  resolutionId: 'r1',
  conflictId: 'c1',
  canonicalKey: 'customer:7',
  field: 'phone',
  choice: 'value',
  value: '"021-555"',
  resolvedBy: 'maryam',
  resolvedAt: 1,
  correlationId: 'k1',
};

const thrown = (fn: () => unknown): SyncError => {
  try {
    fn();
  } catch (err) {
    return err as SyncError;
  }
  throw new Error('did not throw');
};

describe('parseResolution', () => {
  it('gives back a well-formed resolution', () => {
    expect(parseResolution(JSON.stringify(resolution))).toEqual(resolution);
  });

  it.each([
    ['not JSON', '{"conflictId":'],
    ['null', null],
    ['a wrong choice', JSON.stringify({ ...resolution, choice: 'both' })],
    ['no conflict id', JSON.stringify({ ...resolution, conflictId: undefined })],
  ])('%s is a permanent INVALID_RESOLUTION (dead letter, never a parked customer)', (_, json) => {
    const err = thrown(() => parseResolution(json));
    expect(err).toBeInstanceOf(SyncError);
    expect(err.kind).toBe('permanent');
    expect(err.code).toBe('INVALID_RESOLUTION');
  });
});

describe('resolutionValueProblem: the chosen value must be one the field holds', () => {
  it('accepts a JSON string for a text field and a boolean for active', () => {
    expect(resolutionValueProblem('phone', '"021-555"')).toBeNull();
    expect(resolutionValueProblem('name', '""')).toBeNull();
    expect(resolutionValueProblem('active', 'false')).toBeNull();
  });

  it('refuses bare text, naming the field and how to write it', () => {
    expect(resolutionValueProblem('city', 'Tehran')).toBe(
      'value for city is not JSON: expected a JSON string in quotes, e.g. "Tehran"',
    );
  });

  it('refuses a value of the wrong type for the field', () => {
    expect(resolutionValueProblem('phone', '12')).toBe(
      'value for phone must be a JSON string in quotes, e.g. "Tehran", got number',
    );
    expect(resolutionValueProblem('active', '"yes"')).toBe(
      'value for active must be true or false, got string',
    );
    expect(resolutionValueProblem('email', 'null')).toMatch(/^value for email must be .*, got null$/);
  });

  it('refuses a value for a conflict that is not on a customer field (delete-vs-edit, pre-invoice)', () => {
    expect(resolutionValueProblem('record', '"x"')).toMatch(
      /^a conflict on record is settled with choice crm or siagh/,
    );
    expect(resolutionValueProblem('customerNumber', '7')).toMatch(/^a conflict on customerNumber/);
  });

  it('a missing value is named too', () => {
    expect(resolutionValueProblem('phone', null)).toMatch(/^value for phone is missing/);
  });
});

describe('parseResolutionValue', () => {
  it('parses a good value', () => {
    expect(parseResolutionValue('active', 'true')).toBe(true);
    expect(parseResolutionValue('mobile', '"0912"')).toBe('0912');
  });

  it('a bad one is a permanent INVALID_RESOLUTION_VALUE with the reason', () => {
    const err = thrown(() => parseResolutionValue('mobile', '0912 123'));
    expect(err.kind).toBe('permanent');
    expect(err.code).toBe('INVALID_RESOLUTION_VALUE');
    expect(err.message).toMatch(/mobile is not JSON/);
  });
});

describe('jsonValueProblem (syncctl, which knows no field)', () => {
  it('accepts any JSON and explains bare text', () => {
    expect(jsonValueProblem('"Tehran"')).toBeNull();
    expect(jsonValueProblem('true')).toBeNull();
    expect(jsonValueProblem('Tehran')).toBe(
      `--value must be JSON: a text is written in quotes (--value '"Tehran"'), the active flag as true or false`,
    );
  });
});
