/**
 * A small seeded pseudo-random generator (mulberry32), so every domain's demo data is the
 * same on every machine and every run: tests and benchmarks can name concrete rows.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** `count` distinct items (all of them when `count` >= length), in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, Math.max(0, count));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** A timestamp between two dates, to the second. */
  dateBetween(from: Date, to: Date): Date {
    const ms = from.getTime() + Math.floor(this.next() * (to.getTime() - from.getTime()));
    return new Date(Math.floor(ms / 1000) * 1000);
  }
}

/**
 * Sizes of the demo data set, shared because domains reference each other's keys
 * (marketing promotes product ids 1..PRODUCTS, tickets name customers 1..CUSTOMERS).
 */
export const DEMO_SIZES = {
  products: 1000,
  warehouses: 8,
  customers: 10_000,
  campaigns: 50,
  promotions: 2000,
  segments: 12,
  tickets: 30_000,
} as const;

/** Demo data describes the year before this instant, so it never depends on the clock. */
export const DEMO_EPOCH = new Date('2026-06-30T00:00:00Z');
