import { main } from '{{repo}}/shared/lifecycle.js';
import { runDataProduct } from '{{repo}}/shared/subgraph/data-product.js';
import { {{camelName}} } from './server.js';

main(() => runDataProduct({{camelName}}));
