import DataLoader from 'dataloader';
import { alignMany, alignOne } from '../../../shared/subgraph/batch.js';
import { rowFilter, type AccessScope } from './access.js';
import type {
  CustomerFilter,
  CustomerRow,
  CustomerServiceStore,
  ProductTicketStatsRow,
  RowFilter,
  TicketFilter,
  TicketRow,
  TicketSlice,
} from './store.js';

/**
 * Per-request DataLoaders: every entity reference and nested list of one GraphQL request is
 * collected per tick and fetched with one SQL statement per batch.
 *
 * They are also where the row-level access rule is applied: the caller's scope is bound here
 * once per request and every read of customers and tickets carries it into its (still single)
 * statement, so a customer's request can neither see nor cache another customer's rows.
 */
export function createLoaders(store: CustomerServiceStore, scope: AccessScope) {
  const rows = rowFilter(scope);
  /** Runs `fetch` with the request's row filter, or reads nothing (no SQL) when the caller may see no row. */
  const visible = async <Row>(fetch: (rows: RowFilter) => Promise<Row[]>): Promise<Row[]> => (rows === null ? [] : fetch(rows));

  const byCustomer = new Map<string, DataLoader<number, TicketRow[]>>();
  const byProduct = new Map<string, DataLoader<number, TicketRow[]>>();

  /** One loader per distinct slice (status, limit), so that each batch stays one statement. */
  const sliced = (
    cache: Map<string, DataLoader<number, TicketRow[]>>,
    fetch: (ids: readonly number[], slice: TicketSlice, rows: RowFilter) => Promise<TicketRow[]>,
    ownerOf: (ticket: TicketRow) => number | null,
    slice: TicketSlice,
  ) => {
    const key = `${slice.status ?? '*'}:${slice.limit}`;
    let loader = cache.get(key);
    if (!loader) {
      loader = new DataLoader(async (ids) => alignMany(ids, await visible((r) => fetch(ids, slice, r)), ownerOf));
      cache.set(key, loader);
    }
    return loader;
  };

  const loaders = {
    customerById: new DataLoader<number, CustomerRow | null>(async (ids) =>
      alignOne(ids, await visible((r) => store.customersByIds(ids, r)), (c) => c.id),
    ),
    ticketById: new DataLoader<number, TicketRow | null>(async (ids) =>
      alignOne(ids, await visible((r) => store.ticketsByIds(ids, r)), (t) => t.id),
    ),
    // Not filtered by the caller: open-ticket counts and satisfaction are product-level
    // statistics over everyone's tickets, not any one customer's personal data.
    ticketStatsByProductId: new DataLoader<number, ProductTicketStatsRow | null>(async (ids) =>
      alignOne(ids, await store.ticketStatsByProductIds(ids), (s) => s.productId),
    ),
    ticketsByCustomerId: (slice: TicketSlice): DataLoader<number, TicketRow[]> =>
      sliced(byCustomer, store.ticketsByCustomerIds, (t) => t.customerId, slice),
    ticketsByProductId: (slice: TicketSlice): DataLoader<number, TicketRow[]> =>
      sliced(byProduct, store.ticketsByProductIds, (t) => t.productId, slice),
    /** A page of the customers the caller may see; they are cached for the references that follow. */
    async listCustomers(filter: CustomerFilter): Promise<CustomerRow[]> {
      const customers = await visible((r) => store.listCustomers(filter, r));
      for (const customer of customers) loaders.customerById.prime(customer.id, customer);
      return customers;
    },
    /** A page of the tickets the caller may see; they are cached for the references that follow. */
    async listTickets(filter: TicketFilter): Promise<TicketRow[]> {
      const tickets = await visible((r) => store.listTickets(filter, r));
      for (const ticket of tickets) loaders.ticketById.prime(ticket.id, ticket);
      return tickets;
    },
    /**
     * After a mutation, forgets what this request already read about the ticket's customer and
     * product, so that fields selected after the mutation show the change.
     */
    ticketChanged(ticket: TicketRow): void {
      loaders.ticketById.clear(ticket.id).prime(ticket.id, ticket);
      for (const loader of byCustomer.values()) loader.clear(ticket.customerId);
      if (ticket.productId !== null) {
        for (const loader of byProduct.values()) loader.clear(ticket.productId);
        loaders.ticketStatsByProductId.clear(ticket.productId);
      }
    },
  };
  return loaders;
}

export type CustomerServiceLoaders = ReturnType<typeof createLoaders>;
