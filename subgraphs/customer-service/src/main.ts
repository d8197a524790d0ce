import { main } from '../../../shared/lifecycle.js';
import { runDataProduct } from '../../../shared/subgraph/data-product.js';
import { customerService } from './server.js';

main(() => runDataProduct(customerService));
