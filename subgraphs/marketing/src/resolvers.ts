import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { badInput, pageArgs, parseId, requireId } from '../../../shared/subgraph/arguments.js';
import { DateTime } from '../../../shared/subgraph/scalars.js';
import type { MarketingLoaders } from './loaders.js';
import {
  CAMPAIGN_TRANSITIONS,
  CONSENT_CHANNELS,
  type CampaignAction,
  type CampaignChannel,
  type CampaignRow,
  type CampaignStatus,
  type ConsentChannel,
  type ConsentChoice,
  type ConsentRow,
  type MarketingStore,
  type PromotionRow,
  type SegmentRow,
} from './store.js';

export interface MarketingContext {
  loaders: MarketingLoaders;
  store: MarketingStore;
}

type Ctx = MarketingContext;

/** Products and customers belong to other domains: marketing knows them by id alone. */
interface EntityKey {
  id: number;
}

/** Turns a representation's id into a key; an id that cannot name a row resolves to null. */
function entityKey(ref: { id: string }): EntityKey | null {
  const id = parseId(ref.id);
  return id === null ? null : { id };
}

/** A customer's consent, one entry per channel, from the rows of the channels they answered. */
export function toMarketingConsent(rows: readonly ConsentRow[]) {
  const byChannel = new Map(rows.map((row) => [row.channel, row]));
  const channels = CONSENT_CHANNELS.map((channel) => {
    const row = byChannel.get(channel);
    return { channel, granted: row?.granted ?? false, updatedAt: row?.updatedAt ?? null };
  });
  const latest = rows.reduce<Date | null>((max, row) => (max === null || row.updatedAt > max ? row.updatedAt : max), null);
  return { channels, grantedChannels: channels.filter((c) => c.granted).map((c) => c.channel), updatedAt: latest };
}

const PAST_TENSE: Record<CampaignAction, string> = { launch: 'launched', pause: 'paused' };

function listWithOr(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

async function applyCampaignAction(action: CampaignAction, rawId: string, ctx: Ctx): Promise<CampaignRow> {
  const id = requireId(rawId, 'id');
  const result = await ctx.store.changeCampaignStatus(id, action);
  if (result.ok) {
    ctx.loaders.campaignChanged(result.campaign);
    return result.campaign;
  }
  switch (result.refusal) {
    case 'unknown-campaign':
      throw badInput(`No campaign with id "${rawId}"`, 'id');
    case 'wrong-status':
      throw badInput(
        `Campaign ${id} is ${result.status}: only ${listWithOr(CAMPAIGN_TRANSITIONS[action].from)} campaigns can be ${PAST_TENSE[action]}`,
        'id',
      );
    case 'already-over':
      throw badInput(`Campaign ${id} ended at ${result.endsAt.toISOString()}: a campaign whose end has passed cannot be launched`, 'id');
    default: {
      const unreachable: never = result;
      throw new Error(`unhandled refusal ${JSON.stringify(unreachable)}`);
    }
  }
}

function validateConsents(consents: readonly ConsentChoice[]): void {
  if (consents.length === 0) throw badInput('consents must name at least one channel, got an empty list', 'consents');
  const seen = new Set<ConsentChannel>();
  for (const { channel } of consents) {
    if (seen.has(channel)) throw badInput(`consents names ${channel} more than once: give each channel once`, 'consents');
    seen.add(channel);
  }
}

export const resolvers: GraphQLResolverMap<Ctx> = {
  DateTime,
  Query: {
    campaigns: async (
      _: unknown,
      args: { status?: CampaignStatus | null; channel?: CampaignChannel | null; limit?: number; offset?: number },
      ctx: Ctx,
    ) => {
      const campaigns = await ctx.store.listCampaigns({ ...pageArgs(args.limit, args.offset), status: args.status, channel: args.channel });
      ctx.loaders.primeCampaigns(campaigns);
      return campaigns;
    },
    campaign: (_: unknown, args: { id: string }, ctx: Ctx) => {
      const id = parseId(args.id);
      return id === null ? null : ctx.loaders.campaignById.load(id);
    },
    segments: async (_: unknown, __: unknown, ctx: Ctx) => {
      const segments = await ctx.store.listSegments();
      ctx.loaders.primeSegments(segments);
      return segments;
    },
    segment: (_: unknown, args: { id: string }, ctx: Ctx) => {
      const id = parseId(args.id);
      return id === null ? null : ctx.loaders.segmentById.load(id);
    },
  },
  Mutation: {
    launchCampaign: (_: unknown, args: { id: string }, ctx: Ctx) => applyCampaignAction('launch', args.id, ctx),
    pauseCampaign: (_: unknown, args: { id: string }, ctx: Ctx) => applyCampaignAction('pause', args.id, ctx),
    setMarketingConsent: async (_: unknown, args: { customerId: string; consents: ConsentChoice[] }, ctx: Ctx): Promise<EntityKey> => {
      const customerId = requireId(args.customerId, 'customerId');
      validateConsents(args.consents);
      const rows = await ctx.store.setConsents(customerId, args.consents);
      ctx.loaders.consentsByCustomerId.clear(customerId).prime(customerId, rows);
      return { id: customerId };
    },
  },
  Campaign: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => {
      const id = parseId(ref.id);
      return id === null ? null : ctx.loaders.campaignById.load(id);
    },
    promotions: (campaign: CampaignRow, _: unknown, ctx: Ctx) => ctx.loaders.promotionsByCampaignId.load(campaign.id),
    segments: (campaign: CampaignRow, _: unknown, ctx: Ctx) => ctx.loaders.segmentsByCampaignId.load(campaign.id),
  },
  Promotion: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => {
      const id = parseId(ref.id);
      return id === null ? null : ctx.loaders.promotionById.load(id);
    },
    product: (promotion: PromotionRow): EntityKey => ({ id: promotion.productId }),
    campaign: (promotion: PromotionRow, _: unknown, ctx: Ctx) => ctx.loaders.campaignById.load(promotion.campaignId),
  },
  Segment: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => {
      const id = parseId(ref.id);
      return id === null ? null : ctx.loaders.segmentById.load(id);
    },
    size: (segment: SegmentRow, _: unknown, ctx: Ctx) => ctx.loaders.segmentSizeById.load(segment.id),
  },
  // Inventory owns products and customer service owns customers: any well-formed id may name
  // one, and one marketing has no rows for simply has no promotions, segments or consent.
  Product: {
    __resolveReference: entityKey,
    promotions: (product: EntityKey, args: { activeOnly?: boolean | null }, ctx: Ctx) =>
      ctx.loaders.promotionsByProductId(args.activeOnly ?? false).load(product.id),
    campaigns: (product: EntityKey, _: unknown, ctx: Ctx) => ctx.loaders.campaignsByProductId.load(product.id),
  },
  Customer: {
    __resolveReference: entityKey,
    segments: (customer: EntityKey, _: unknown, ctx: Ctx) => ctx.loaders.segmentsByCustomerId.load(customer.id),
    marketingConsent: async (customer: EntityKey, _: unknown, ctx: Ctx) =>
      toMarketingConsent(await ctx.loaders.consentsByCustomerId.load(customer.id)),
  },
};
