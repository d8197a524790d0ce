import DataLoader from 'dataloader';
import { alignMany, alignOne } from '../../../shared/subgraph/batch.js';
import type { CampaignRow, ConsentRow, MarketingStore, PromotionRow, SegmentRow } from './store.js';

/**
 * Per-request DataLoaders: every entity reference and nested list of one GraphQL request is
 * collected per tick and fetched with one SQL statement per batch.
 */
export function createLoaders(store: MarketingStore) {
  const promotionsByProduct = new Map<boolean, DataLoader<number, PromotionRow[]>>();
  const loaders = {
    campaignById: new DataLoader<number, CampaignRow | null>(async (ids) =>
      alignOne(ids, await store.campaignsByIds(ids), (c) => c.id),
    ),
    promotionById: new DataLoader<number, PromotionRow | null>(async (ids) =>
      alignOne(ids, await store.promotionsByIds(ids), (p) => p.id),
    ),
    segmentById: new DataLoader<number, SegmentRow | null>(async (ids) =>
      alignOne(ids, await store.segmentsByIds(ids), (s) => s.id),
    ),
    promotionsByCampaignId: new DataLoader<number, PromotionRow[]>(async (ids) =>
      alignMany(ids, await store.promotionsByCampaignIds(ids), (p) => p.campaignId),
    ),
    segmentsByCampaignId: new DataLoader<number, SegmentRow[]>(async (ids) =>
      alignMany(ids, await store.segmentsByCampaignIds(ids), (s) => s.campaignId),
    ),
    campaignsByProductId: new DataLoader<number, CampaignRow[]>(async (ids) =>
      alignMany(ids, await store.campaignsByProductIds(ids), (c) => c.productId),
    ),
    segmentsByCustomerId: new DataLoader<number, SegmentRow[]>(async (ids) =>
      alignMany(ids, await store.segmentsByCustomerIds(ids), (s) => s.customerId),
    ),
    /** A segment nobody belongs to has size 0, not null. */
    segmentSizeById: new DataLoader<number, number>(async (ids) =>
      alignOne(ids, await store.segmentSizes(ids), (s) => s.id).map((row) => row?.size ?? 0),
    ),
    /** The consent rows of each customer; a customer who never answered has none. */
    consentsByCustomerId: new DataLoader<number, ConsentRow[]>(async (ids) =>
      alignMany(ids, await store.consentsByCustomerIds(ids), (c) => c.customerId),
    ),
    /** Promotions per product; one loader per `activeOnly` value so each batch is one statement. */
    promotionsByProductId(activeOnly: boolean): DataLoader<number, PromotionRow[]> {
      let loader = promotionsByProduct.get(activeOnly);
      if (!loader) {
        loader = new DataLoader(async (ids) => alignMany(ids, await store.promotionsByProductIds(ids, activeOnly), (p) => p.productId));
        promotionsByProduct.set(activeOnly, loader);
      }
      return loader;
    },
    /** Campaigns fetched by a list query are cached for the references that follow. */
    primeCampaigns(campaigns: readonly CampaignRow[]): void {
      for (const campaign of campaigns) loaders.campaignById.prime(campaign.id, campaign);
    },
    /**
     * After a mutation changed a campaign, later fields of the same request must see it: the
     * campaign itself, and every promotion, whose `active` follows the campaign's status.
     */
    campaignChanged(campaign: CampaignRow): void {
      loaders.campaignById.clear(campaign.id).prime(campaign.id, campaign);
      loaders.campaignsByProductId.clearAll();
      loaders.promotionById.clearAll();
      loaders.promotionsByCampaignId.clearAll();
      for (const loader of promotionsByProduct.values()) loader.clearAll();
    },
    primeSegments(segments: readonly SegmentRow[]): void {
      for (const segment of segments) loaders.segmentById.prime(segment.id, segment);
    },
  };
  return loaders;
}

export type MarketingLoaders = ReturnType<typeof createLoaders>;
