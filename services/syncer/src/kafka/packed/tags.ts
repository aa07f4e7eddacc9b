// The byte in front of every packed value, saying what follows it.
export const Tag = {
  Null: 0,
  Undefined: 1,
  False: 2,
  True: 3,
  /** Unsigned varint. */
  Uint: 4,
  /** Varint of the magnitude of a negative integer. */
  Negative: 5,
  Float: 6,
  /** An epoch-ms time, as the zigzag varint of its distance from the record's previous time. */
  Time: 7,
  Empty: 8,
  /** The table key the record is stored under (a state's canonical key). */
  Key: 9,
  /** A string already written in this record, by its index there. */
  Ref: 10,
  Utf8: 11,
  Digits: 12,
  HexLower: 13,
  HexUpper: 14,
  UuidLower: 15,
  UuidUpper: 16,
  /** One byte a character from narrow.ts's alphabet (Persian text). */
  Narrow: 20,
  /** One of words.ts's words, by its index there. */
  Word: 21,
  Array: 17,
  /** An object whose key list is in the table's shapes, by its index there. */
  Shaped: 18,
  /** An object with its keys written out (too many shapes seen, or too many keys). */
  Keyed: 19,
  /** Tags from here on are the small integers 0, 1, 2, ... themselves. */
  Small: 32,
} as const;

export type StringTag =
  | typeof Tag.Utf8
  | typeof Tag.Narrow
  | typeof Tag.Digits
  | typeof Tag.HexLower
  | typeof Tag.HexUpper
  | typeof Tag.UuidLower
  | typeof Tag.UuidUpper;
