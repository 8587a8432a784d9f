import { CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A resource as CloudFormation will receive it, resolved: its properties after every property injector,
 * mixin, aspect and L1 override (`addPropertyOverride`, `addOverride`), and its deletion policy.
 */
export interface SynthesizedResource {
  readonly Properties?: Record<string, any>;
  readonly DeletionPolicy?: string;
}

/**
 * What must hold on a construct's synthesized resource: the value at `path` (dotted, from the resource,
 * e.g. `Properties.VersioningConfiguration.Status`) is `expected`, or passes `holds`.
 */
export interface Invariant {
  /** What the construct promises, e.g. `versioning enabled`. */
  readonly name: string;
  /** Where the value is in the synthesized resource. */
  readonly path: string;
  /** The value the construct set (resolved). */
  readonly expected: unknown;
  /** The prop, in the L2's terms, whose change would break it, e.g. `versioned`. */
  readonly prop: string;
  /** A check other than equality with `expected`. @default deep equality */
  readonly holds?: (found: unknown) => boolean;
  /** The value found, when it is not at `path` in the construct's own resource. @default the value at `path` */
  readonly found?: () => unknown;
  /** How to make the change on purpose, if the construct allows it. @default remove the change */
  readonly fix?: string;
}

/**
 * Registers a synth-time validation of `invariants` on `resource`. Validation runs after aspects and
 * `prepare`, and reads the resource as `_toCloudFormation()` renders it for the template, so it sees
 * the final values whatever changed them after the constructor.
 *
 * @see https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/core/lib/private/synthesis.ts
 */
export function addInvariantValidation(
  construct: IConstruct,
  kind: string,
  resource: CfnResource,
  invariants: () => Invariant[],
  otherProblems: (synthesized: SynthesizedResource) => string[] = () => [],
): void {
  construct.node.addValidation({
    validate: () => {
      // Resolved once for every check of this construct: a synth resolves each resource here.
      const synthesized = synthesizedResource(resource);
      return [...invariantProblems(kind, synthesized, invariants()), ...otherProblems(synthesized)];
    },
  });
}

/**
 * Retention (`DeletionPolicy: Retain`), unless the user chose another removal policy through the
 * construct's own `removalPolicy` prop.
 */
export function retentionInvariants(kind: string, removalPolicy: RemovalPolicy | undefined): Invariant[] {
  return (removalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.RETAIN ? [{
    name: 'retention',
    path: 'DeletionPolicy',
    expected: 'Retain',
    prop: 'removalPolicy',
    fix: `to delete it with its stack, pass \`removalPolicy\` to the ${kind} itself`,
  }] : [];
}

/**
 * The template fragment of one L1 as it will be synthesized (`_toCloudFormation()`, which applies overrides),
 * resolved: no `Resources` when the resource will not be synthesized.
 */
export function renderedTemplate(resource: CfnResource): { Resources?: Record<string, SynthesizedResource> } {
  return Stack.of(resource).resolve(resource._toCloudFormation());
}

/** The resource as it will be synthesized, resolved; `{}` when it will not be synthesized. */
export function synthesizedResource(resource: CfnResource): SynthesizedResource {
  return Object.values(renderedTemplate(resource).Resources ?? {})[0] ?? {};
}

/** One problem per invariant that no longer holds, naming the invariant, the value found and the likely cause. */
export function invariantProblems(kind: string, resource: SynthesizedResource, invariants: Invariant[]): string[] {
  return invariants.flatMap((invariant) => {
    const found = invariant.found ? invariant.found() : valueAt(resource, invariant.path);
    const holds = invariant.holds ? invariant.holds(found) : sameJson(found, invariant.expected);
    return holds ? [] : [
      `${kind} must keep ${invariant.name}: found ${invariant.path} ${describe(found)}, expected ${describe(invariant.expected)}. ` +
      `A property injector, mixin, aspect or L1 override (addPropertyOverride) changed \`${invariant.prop}\`; ${invariant.fix ?? 'remove that change for this construct'}.`,
    ];
  });
}

/**
 * Whether a resolved value is the one the construct set. Both sides come from `Stack.resolve`, so
 * references (`Fn::GetAtt`, `Ref`) compare as the same JSON.
 */
export function sameJson(found: unknown, expected: unknown): boolean {
  return JSON.stringify(found) === JSON.stringify(expected);
}

function valueAt(resource: SynthesizedResource, path: string): unknown {
  return path.split('.').reduce<any>((value, key) => value?.[key], resource);
}

function describe(value: unknown): string {
  return value === undefined ? '(not set)' : JSON.stringify(value);
}
