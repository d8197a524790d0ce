import { main } from '../../../shared/lifecycle.js';
import { runDataProduct } from '../../../shared/subgraph/data-product.js';
import { marketing } from './server.js';

main(() => runDataProduct(marketing));
