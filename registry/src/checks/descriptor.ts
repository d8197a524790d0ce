import {
  DescriptorError,
  checkDescriptorAgainstSchema,
  parseDescriptor,
  type DataProductDescriptor,
} from '../../../shared/dataproduct/descriptor.js';
import { result, type CheckResult } from './types.js';

export interface DescriptorCheck {
  /** Present when the text is a valid descriptor (consistent with the SDL or not). */
  descriptor?: DataProductDescriptor;
  results: CheckResult[];
}

/**
 * The candidate's dataproduct.yaml: valid against descriptor-schema.json (`descriptor-valid`, one
 * result per problem), then consistent with its SDL and published name (`descriptor-consistent`),
 * with the same validator and wording as `meshgate check` on a folder and the gateway's start-up.
 * `sdl` is undefined when it does not parse.
 */
export function checkDescriptor(name: string, descriptorText: string, sdl: string | undefined): DescriptorCheck {
  const source = `${name}/dataproduct.yaml`;
  let descriptor: DataProductDescriptor;
  try {
    descriptor = parseDescriptor(descriptorText, source);
  } catch (error) {
    if (!(error instanceof DescriptorError)) throw error;
    return { results: error.problems.map((problem) => result('error', 'descriptor-valid', `${source}: ${problem}`)) };
  }
  // An SDL that does not parse is the sdl-parse check's to report, once.
  if (sdl === undefined) return { descriptor, results: [] };
  const results = checkDescriptorAgainstSchema(descriptor, sdl, name).map((problem) =>
    result('error', 'descriptor-consistent', `${source}: ${problem}`, coordinatesOf(problem, descriptor)),
  );
  return { descriptor, results };
}

/** `$.classification[2].field: ...` concerns the field classified there; `$.entities[0]...` that entity's type. */
function coordinatesOf(problem: string, descriptor: DataProductDescriptor): string[] {
  const classified = /^\$\.classification\[(\d+)\]/.exec(problem);
  if (classified) {
    const field = descriptor.classification[Number(classified[1])]?.field;
    return field ? [field] : [];
  }
  const entity = /^\$\.entities\[(\d+)\]/.exec(problem);
  if (entity) {
    const type = descriptor.entities[Number(entity[1])]?.type;
    return type ? [type] : [];
  }
  return [];
}
