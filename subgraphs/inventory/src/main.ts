import { main, runDataProduct } from '../../../shared/subgraph/data-product.js';
import { inventory } from './server.js';

main(() => runDataProduct(inventory));
