// The key lists of the objects a table's states are made of, each kept once per table: a million
// bases share one list of their sixteen field names. Objects with keys that come from data (a change's
// attributes) could make the list grow without end, so it stops taking new shapes at a bound and such
// objects carry their keys themselves.

const MAX_SHAPES = 4096;
const MAX_KEYS = 64;

export class Shapes {
  private readonly lists: (readonly string[])[] = [];
  private readonly templates: Record<string, unknown>[] = [];
  private readonly ids = new Map<string, number>();

  /** The id of this key list, registering it if there is room; undefined when there is not. */
  idOf(keys: readonly string[]): number | undefined {
    if (keys.length > MAX_KEYS) return undefined;
    const signature = JSON.stringify(keys);
    let id = this.ids.get(signature);
    if (id === undefined && this.lists.length < MAX_SHAPES) {
      id = this.lists.length;
      this.lists.push(keys);
      this.templates.push(Object.fromEntries(keys.map((k) => [k, undefined])));
      this.ids.set(signature, id);
    }
    return id;
  }

  keysOf(id: number): readonly string[] {
    const keys = this.lists[id];
    if (keys === undefined) throw new Error(`packed state refers to unknown shape ${id}`);
    return keys;
  }

  /**
   * An object with this shape's keys, all undefined, to copy and fill in: a copy takes the template's
   * hidden class at once, where adding the keys one by one walks V8 through a transition per key (most
   * of a decode's time before). Its keys are own properties, so filling in "__proto__" sets a key.
   */
  templateOf(id: number): Readonly<Record<string, unknown>> {
    const template = this.templates[id];
    if (template === undefined) throw new Error(`packed state refers to unknown shape ${id}`);
    return template;
  }
}
