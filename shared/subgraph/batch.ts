/**
 * Helpers for DataLoader batch functions: results come back in key order, one per key, as
 * DataLoader requires. A key with no row is `null` (a lookup that found nothing is not an
 * error in GraphQL: the field is null) or `[]` for one-to-many relations.
 */
export function alignOne<K, Row>(keys: readonly K[], rows: readonly Row[], keyOf: (row: Row) => K): (Row | null)[] {
  const byKey = new Map<K, Row>();
  for (const row of rows) byKey.set(keyOf(row), row);
  return keys.map((key) => byKey.get(key) ?? null);
}

export function alignMany<K, Row>(keys: readonly K[], rows: readonly Row[], keyOf: (row: Row) => K): Row[][] {
  const byKey = new Map<K, Row[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = byKey.get(key);
    if (list) list.push(row);
    else byKey.set(key, [row]);
  }
  return keys.map((key) => byKey.get(key) ?? []);
}
