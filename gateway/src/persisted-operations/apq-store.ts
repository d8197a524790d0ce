import { LRUCache } from 'lru-cache';

/** Where automatic persisted queries live between the request that registers one and those that use it. */
export interface ApqStore {
  get(sha256Hash: string): string | undefined;
  set(sha256Hash: string, query: string): void;
}

/** 16 MiB: tens of thousands of typical operations, a small share of a gateway's memory. */
export const DEFAULT_APQ_MAX_BYTES = 16 * 1024 * 1024;

/**
 * What one entry costs beyond its two strings (the LRU's links and the map's slot), counted so
 * that a flood of tiny queries cannot hold many times the bound in bookkeeping.
 */
export const APQ_ENTRY_OVERHEAD_BYTES = 128;

export interface InMemoryApqStoreOptions {
  /** Bound on the stored entries' total size (UTF-8 bytes of hash and query, plus overhead). Default 16 MiB. */
  maxBytes?: number;
}

/**
 * The default store: an in-memory LRU bounded by total bytes rather than by count, so a client
 * registering endless (or endlessly long) queries evicts the least recently used ones instead of
 * growing the process. A query larger than the whole bound is not stored at all.
 */
export class InMemoryApqStore implements ApqStore {
  readonly maxBytes: number;
  readonly #cache: LRUCache<string, string>;

  constructor(options: InMemoryApqStoreOptions = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_APQ_MAX_BYTES;
    if (!Number.isSafeInteger(this.maxBytes) || this.maxBytes <= 0) {
      throw new RangeError(`InMemoryApqStore: expected maxBytes to be a positive whole number, got ${this.maxBytes}`);
    }
    this.#cache = new LRUCache<string, string>({
      maxSize: this.maxBytes,
      sizeCalculation: (query, hash) => Buffer.byteLength(hash) + Buffer.byteLength(query) + APQ_ENTRY_OVERHEAD_BYTES,
    });
  }

  get(sha256Hash: string): string | undefined {
    return this.#cache.get(sha256Hash);
  }

  set(sha256Hash: string, query: string): void {
    this.#cache.set(sha256Hash, query);
  }

  /** Total size of what is stored, as counted against `maxBytes`. */
  get bytes(): number {
    return this.#cache.calculatedSize;
  }

  get size(): number {
    return this.#cache.size;
  }
}
