/**
 * Search over the serving generation's products, types and fields: every word of the text must
 * appear (case-insensitively) in a hit's name (its coordinate, when the text has a dot) or description; names that match the
 * whole text come first (exact, then prefix, then anywhere), then matches in descriptions. A pure
 * function over the catalog view, bounded by the text's length and the result count.
 */
import { badInput, checkLimit } from './errors.js';
import type { CatalogView } from './types.js';

export const MAX_SEARCH_TEXT = 200;
export const MAX_SEARCH_RESULTS = 100;

export interface SearchHit {
  readonly kind: 'product' | 'type' | 'field';
  readonly product: string;
  /** The product's name, `Type` or `Type.field`. */
  readonly coordinate: string;
  readonly description: string | null;
}

const KIND_ORDER = { product: 0, type: 1, field: 2 } as const;

export function searchCatalog(view: CatalogView, text: string, limit = 20): SearchHit[] {
  if (text.length > MAX_SEARCH_TEXT) throw badInput(`text: expected at most ${MAX_SEARCH_TEXT} characters, got ${text.length}`);
  checkLimit(limit, MAX_SEARCH_RESULTS);
  const whole = text.trim().toLowerCase();
  const words = whole.split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];

  const scored: { hit: SearchHit; score: number }[] = [];
  // A dotted text is a coordinate (`Product.unit`): matched against coordinates; otherwise the
  // type's name in a field's coordinate would make every field of `Review` a hit for "review".
  const byCoordinate = whole.includes('.');
  const consider = (hit: SearchHit, name: string, ...more: (string | null | undefined)[]) => {
    const lowerName = (byCoordinate ? hit.coordinate : name).toLowerCase();
    const haystack = [lowerName, ...more.map((m) => (m ?? '').toLowerCase())].join('\n');
    if (!words.every((word) => haystack.includes(word))) return;
    const score = lowerName === whole ? 0 : lowerName.startsWith(whole) ? 1 : lowerName.includes(whole) ? 2 : 3;
    scored.push({ hit, score });
  };
  for (const product of view.products) {
    const d = product.descriptor;
    consider({ kind: 'product', product: product.name, coordinate: product.name, description: d?.description ?? null }, product.name, d?.domain, d?.description, d?.purpose);
    for (const type of product.types) {
      consider({ kind: 'type', product: product.name, coordinate: type.name, description: type.description }, type.name, type.description);
      for (const field of type.fields) {
        consider({ kind: 'field', product: product.name, coordinate: field.coordinate, description: field.description }, field.name, field.description);
      }
    }
  }
  return scored
    .sort((a, b) => a.score - b.score || KIND_ORDER[a.hit.kind] - KIND_ORDER[b.hit.kind] || a.hit.coordinate.localeCompare(b.hit.coordinate) || a.hit.product.localeCompare(b.hit.product))
    .slice(0, limit)
    .map((s) => s.hit);
}
