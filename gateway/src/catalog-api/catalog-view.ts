/**
 * The catalog's view of one generation (products, types, fields, examples), built on the first
 * catalog request that needs it and kept beside the generation: a WeakMap keyed by the generation
 * itself lives exactly as long as the generation does, so nothing outlives its supergraph and a
 * new supergraph (a new generation, a new id) gets a new view without any invalidation.
 */
import type { PreparedSupergraph } from '../supergraph/security-features.js';
import type { SubgraphDescriptor } from '../supergraph/source.js';
import { buildExamples } from './examples.js';
import { buildProducts } from './products.js';
import type { CatalogView } from './types.js';

/** What the view needs of a generation (a `Generation` is one). */
export interface CatalogGeneration {
  readonly id: string;
  readonly prepared: PreparedSupergraph;
  readonly stripped: { readonly plannerSdl: string };
  readonly descriptors: readonly SubgraphDescriptor[];
}

const views = new WeakMap<CatalogGeneration, CatalogView>();

export function catalogViewOf(generation: CatalogGeneration): CatalogView {
  let view = views.get(generation);
  if (!view) {
    view = buildCatalogView(generation);
    views.set(generation, view);
  }
  return view;
}

export function buildCatalogView(generation: CatalogGeneration): CatalogView {
  const bare = buildProducts({ plannerSdl: generation.stripped.plannerSdl, prepared: generation.prepared, descriptors: generation.descriptors });
  const products = bare.map((product) => Object.freeze({ ...product, examples: buildExamples(product, bare, generation.prepared) }));
  return Object.freeze({ generationId: generation.id, products, byName: new Map(products.map((p) => [p.name, p])) });
}
