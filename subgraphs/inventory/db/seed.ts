import type { Database } from '../../../shared/db/database.js';
import { bulkInsert } from '../../../shared/db/bulk-insert.js';
import { DEMO_EPOCH, DEMO_SIZES, SeededRandom } from '../../../shared/demo/random.js';

export const CATEGORIES = ['Audio', 'Cameras', 'Computers', 'Garden', 'Home', 'Kitchen', 'Outdoor', 'Phones', 'Sports', 'Toys'] as const;
const ADJECTIVES = ['Compact', 'Classic', 'Pro', 'Smart', 'Eco', 'Ultra', 'Mini', 'Heavy-Duty', 'Wireless', 'Premium', 'Travel', 'Studio'];
const NOUNS: Record<(typeof CATEGORIES)[number], string[]> = {
  Audio: ['Headphones', 'Speaker', 'Soundbar', 'Turntable', 'Microphone'],
  Cameras: ['Camera', 'Lens', 'Tripod', 'Action Cam', 'Flash'],
  Computers: ['Laptop', 'Monitor', 'Keyboard', 'Mouse', 'Dock'],
  Garden: ['Hose', 'Mower', 'Planter', 'Trimmer', 'Sprinkler'],
  Home: ['Lamp', 'Rug', 'Clock', 'Shelf', 'Heater'],
  Kitchen: ['Blender', 'Kettle', 'Pan', 'Toaster', 'Knife Set'],
  Outdoor: ['Tent', 'Backpack', 'Lantern', 'Sleeping Bag', 'Stove'],
  Phones: ['Phone', 'Charger', 'Case', 'Power Bank', 'Cable'],
  Sports: ['Ball', 'Racket', 'Bike Helmet', 'Yoga Mat', 'Dumbbells'],
  Toys: ['Puzzle', 'Robot Kit', 'Drone', 'Board Game', 'Blocks'],
};
export const WAREHOUSES = [
  { id: 1, name: 'Rotterdam Central', region: 'EU_WEST' },
  { id: 2, name: 'Lyon South', region: 'EU_WEST' },
  { id: 3, name: 'Frankfurt Hub', region: 'EU_CENTRAL' },
  { id: 4, name: 'Stockholm North', region: 'EU_NORTH' },
  { id: 5, name: 'Newark East', region: 'US_EAST' },
  { id: 6, name: 'Reno West', region: 'US_WEST' },
  { id: 7, name: 'Singapore Gateway', region: 'APAC' },
  { id: 8, name: 'Osaka Bay', region: 'APAC' },
];
const REASONS = ['RECEIVED', 'SOLD', 'SOLD', 'SOLD', 'RETURNED', 'DAMAGED', 'TRANSFER', 'CORRECTION'];

export function skuOf(productId: number): string {
  return `SKU-${String(productId).padStart(5, '0')}`;
}

/** Loads the deterministic demo catalogue: 1,000 products stocked across 8 warehouses. */
export async function seedInventory(db: Database): Promise<void> {
  const random = new SeededRandom(0x1a7e);
  const yearAgo = new Date(DEMO_EPOCH.getTime() - 365 * 24 * 3600 * 1000);
  const products = Array.from({ length: DEMO_SIZES.products }, (_, i) => {
    const category = CATEGORIES[i % CATEGORIES.length];
    const unitPrice = random.int(500, 150_000) / 100;
    return {
      id: i + 1,
      sku: skuOf(i + 1),
      name: `${random.pick(ADJECTIVES)} ${random.pick(NOUNS[category])} ${100 + random.int(0, 899)}`,
      category,
      unit_price: unitPrice,
      unit_cost: Math.round(unitPrice * random.int(35, 75)) / 100,
    };
  });
  const levels: { product_id: number; warehouse_id: number; quantity: number; reorder_point: number; updated_at: Date }[] = [];
  const movements: {
    product_id: number;
    warehouse_id: number;
    delta: number;
    reason: string;
    quantity_after: number;
    occurred_at: Date;
  }[] = [];
  for (const product of products) {
    for (const warehouse of WAREHOUSES) {
      // About one product in eight runs low somewhere: enough for the lowStock demo query.
      const reorderPoint = random.int(5, 40);
      const quantity = random.chance(0.02) ? random.int(0, reorderPoint) : random.int(reorderPoint + 1, 500);
      levels.push({ product_id: product.id, warehouse_id: warehouse.id, quantity, reorder_point: reorderPoint, updated_at: random.dateBetween(yearAgo, DEMO_EPOCH) });
      if (random.chance(0.6)) {
        movements.push({
          product_id: product.id,
          warehouse_id: warehouse.id,
          delta: random.int(1, 50),
          reason: 'RECEIVED',
          quantity_after: quantity,
          occurred_at: random.dateBetween(yearAgo, DEMO_EPOCH),
        });
      }
      if (random.chance(0.3)) {
        const reason = random.pick(REASONS);
        const delta = reason === 'RECEIVED' || reason === 'RETURNED' ? random.int(1, 20) : -random.int(1, 20);
        movements.push({ product_id: product.id, warehouse_id: warehouse.id, delta, reason, quantity_after: quantity, occurred_at: random.dateBetween(yearAgo, DEMO_EPOCH) });
      }
    }
  }
  await db.transaction(async (tx) => {
    await bulkInsert(tx, 'warehouses', { id: 'int[]', name: 'text[]', region: 'text[]' }, WAREHOUSES);
    await bulkInsert(
      tx,
      'products',
      { id: 'int[]', sku: 'text[]', name: 'text[]', category: 'text[]', unit_price: 'numeric[]', unit_cost: 'numeric[]' },
      products,
    );
    await bulkInsert(
      tx,
      'stock_levels',
      { product_id: 'int[]', warehouse_id: 'int[]', quantity: 'int[]', reorder_point: 'int[]', updated_at: 'timestamptz[]' },
      levels,
    );
    await bulkInsert(
      tx,
      'stock_movements',
      { product_id: 'int[]', warehouse_id: 'int[]', delta: 'int[]', reason: 'text[]', quantity_after: 'int[]', occurred_at: 'timestamptz[]' },
      movements,
    );
  });
}
