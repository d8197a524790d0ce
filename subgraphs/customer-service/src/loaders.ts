import DataLoader from 'dataloader';
import { alignMany, alignOne } from '../../../shared/subgraph/batch.js';
import type { CustomerRow, CustomerServiceStore, ProductTicketStatsRow, TicketRow, TicketSlice } from './store.js';

/**
 * Per-request DataLoaders: every entity reference and nested list of one GraphQL request is
 * collected per tick and fetched with one SQL statement per batch.
 */
export function createLoaders(store: CustomerServiceStore) {
  const byCustomer = new Map<string, DataLoader<number, TicketRow[]>>();
  const byProduct = new Map<string, DataLoader<number, TicketRow[]>>();

  /** One loader per distinct slice (status, limit), so that each batch stays one statement. */
  const sliced = (
    cache: Map<string, DataLoader<number, TicketRow[]>>,
    fetch: (ids: readonly number[], slice: TicketSlice) => Promise<TicketRow[]>,
    ownerOf: (ticket: TicketRow) => number | null,
    slice: TicketSlice,
  ) => {
    const key = `${slice.status ?? '*'}:${slice.limit}`;
    let loader = cache.get(key);
    if (!loader) {
      loader = new DataLoader(async (ids) => alignMany(ids, await fetch(ids, slice), ownerOf));
      cache.set(key, loader);
    }
    return loader;
  };

  const loaders = {
    customerById: new DataLoader<number, CustomerRow | null>(async (ids) =>
      alignOne(ids, await store.customersByIds(ids), (c) => c.id),
    ),
    ticketById: new DataLoader<number, TicketRow | null>(async (ids) => alignOne(ids, await store.ticketsByIds(ids), (t) => t.id)),
    ticketStatsByProductId: new DataLoader<number, ProductTicketStatsRow | null>(async (ids) =>
      alignOne(ids, await store.ticketStatsByProductIds(ids), (s) => s.productId),
    ),
    ticketsByCustomerId: (slice: TicketSlice): DataLoader<number, TicketRow[]> =>
      sliced(byCustomer, store.ticketsByCustomerIds, (t) => t.customerId, slice),
    ticketsByProductId: (slice: TicketSlice): DataLoader<number, TicketRow[]> =>
      sliced(byProduct, store.ticketsByProductIds, (t) => t.productId, slice),
    /** Rows fetched by a list query are cached for the references that follow. */
    primeCustomers(customers: readonly CustomerRow[]): void {
      for (const customer of customers) loaders.customerById.prime(customer.id, customer);
    },
    primeTickets(tickets: readonly TicketRow[]): void {
      for (const ticket of tickets) loaders.ticketById.prime(ticket.id, ticket);
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
