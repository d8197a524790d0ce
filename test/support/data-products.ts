import { listDataProductFolders } from '../../shared/dataproduct/folders.js';
import type { DataProductDefinition } from '../../shared/subgraph/data-product.js';
import { loadDataProductDefinition } from '../../shared/subgraph/load-definition.js';

let loaded: Promise<DataProductDefinition[]> | undefined;

/**
 * Every data product of the repository, found as the stack finds them (each folder under
 * `subgraphs/` with a dataproduct.yaml), sorted by name: a new folder is in every test that
 * iterates over this without any list to edit. Imported once per test file.
 */
export function loadDataProducts(): Promise<DataProductDefinition[]> {
  loaded ??= listDataProductFolders().then((folders) => Promise.all(folders.map((folder) => loadDataProductDefinition(folder.dir))));
  return loaded;
}

/** One data product by name; throws naming the ones there are. */
export async function loadDataProduct(name: string): Promise<DataProductDefinition> {
  const products = await loadDataProducts();
  const product = products.find((p) => p.name === name);
  if (!product) throw new Error(`No data product "${name}" under subgraphs/: expected one of ${products.map((p) => p.name).join(', ')}`);
  return product;
}
