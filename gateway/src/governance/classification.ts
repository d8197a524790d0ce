import { sensitiveFields, type DataProductDescriptor } from '../../../shared/dataproduct/descriptor.js';

export interface ClassifiedDataProduct {
  name: string;
  descriptor: DataProductDescriptor;
}

/**
 * Governance that cannot be forgotten: every field a domain's descriptor classifies as sensitive
 * (confidential, restricted, or personal data) must be restricted by an authorization directive,
 * on the field, its type or its parent type, as the composed supergraph enforces it.
 * Returns one problem per unguarded field, naming it and its domain.
 */
export function unguardedSensitiveFields(
  products: readonly ClassifiedDataProduct[],
  isRestricted: (coordinate: string) => boolean,
): string[] {
  return products.flatMap(({ name, descriptor }) =>
    sensitiveFields(descriptor)
      .filter((coordinate) => !isRestricted(coordinate))
      .map(
        (coordinate) =>
          `${coordinate} is classified sensitive in ${name}'s dataproduct.yaml but carries no @authenticated, @requiresScopes or @policy (on the field, its type or its parent type)`,
      ),
  );
}
