import { main } from '../../../shared/lifecycle.js';
import { runDataProduct } from '../../../shared/subgraph/data-product.js';
import { inventory } from './server.js';

main(() => runDataProduct(inventory));
