import { APQ_ENTRY_OVERHEAD_BYTES, DEFAULT_APQ_MAX_BYTES, InMemoryApqStore } from '../../src/persisted-operations/apq-store.js';

/** A 64-character key like a SHA-256 in hex, distinct per `n`. */
const hashOf = (n: number) => n.toString(16).padStart(64, '0');
/** What one entry of `queryBytes` ASCII bytes is counted as. */
const entryBytes = (queryBytes: number) => 64 + queryBytes + APQ_ENTRY_OVERHEAD_BYTES;

describe('APQ store (in-memory LRU bounded by bytes)', () => {
  it('keeps what is registered, 16 MiB by default', () => {
    const store = new InMemoryApqStore();
    store.set(hashOf(1), '{ products { id } }');
    expect(store.get(hashOf(1))).toBe('{ products { id } }');
    expect(store.get(hashOf(2))).toBeUndefined();
    expect(store.maxBytes).toBe(DEFAULT_APQ_MAX_BYTES);
    expect(store.bytes).toBe(entryBytes('{ products { id } }'.length));
  });

  it('never holds more than its bound, however many queries are registered', () => {
    const query = 'x'.repeat(1000);
    const store = new InMemoryApqStore({ maxBytes: 10 * entryBytes(1000) });
    for (let n = 0; n < 1000; n++) {
      store.set(hashOf(n), query);
      expect(store.bytes).toBeLessThanOrEqual(store.maxBytes);
    }
    expect(store.size).toBe(10);
    // The most recent ten are the ones kept.
    expect(store.get(hashOf(989))).toBeUndefined();
    expect(store.get(hashOf(990))).toBe(query);
    expect(store.get(hashOf(999))).toBe(query);
  });

  it('evicts the least recently used entry, not the oldest registered', () => {
    const store = new InMemoryApqStore({ maxBytes: 3 * entryBytes(10) });
    for (const n of [1, 2, 3]) store.set(hashOf(n), 'q'.repeat(10));
    store.get(hashOf(1));
    store.set(hashOf(4), 'q'.repeat(10));
    expect([1, 2, 3, 4].map((n) => store.get(hashOf(n)) !== undefined)).toEqual([true, false, true, true]);
  });

  it('counts multi-byte characters by their UTF-8 size, and tiny queries by their bookkeeping too', () => {
    const store = new InMemoryApqStore({ maxBytes: 1_000_000 });
    store.set(hashOf(1), '{ é }');
    expect(store.bytes).toBe(entryBytes(6));
    // A flood of one-character queries is bounded by entries, not only by their text.
    const small = new InMemoryApqStore({ maxBytes: 100 * entryBytes(1) });
    for (let n = 0; n < 10_000; n++) small.set(hashOf(n), 'a');
    expect(small.size).toBe(100);
  });

  it('does not store a query larger than the whole bound (and keeps what it had)', () => {
    const store = new InMemoryApqStore({ maxBytes: 1000 });
    store.set(hashOf(1), 'small');
    store.set(hashOf(2), 'x'.repeat(2000));
    expect(store.get(hashOf(2))).toBeUndefined();
    expect(store.get(hashOf(1))).toBe('small');
    expect(store.bytes).toBeLessThanOrEqual(1000);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a bound of %p', (maxBytes) => {
    expect(() => new InMemoryApqStore({ maxBytes })).toThrow(`expected maxBytes to be a positive whole number, got ${maxBytes}`);
  });
});
