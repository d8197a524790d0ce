import { customerService } from '../../subgraphs/customer-service/src/server.js';
import { inventory } from '../../subgraphs/inventory/src/server.js';
import { marketing } from '../../subgraphs/marketing/src/server.js';
import type { DataProductDefinition } from '../../shared/subgraph/data-product.js';

/** Every data product, in the order of `DOMAINS`. */
export const DATA_PRODUCTS: readonly DataProductDefinition[] = [inventory, marketing, customerService];
