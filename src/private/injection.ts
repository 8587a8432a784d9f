import { PropertyInjectors } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';

/**
 * Property injection for the library's own constructs, which aws-cdk-lib's `@propertyInjectable` cannot
 * give them: its wrapper looks up injectors by the static `PROPERTY_INJECTION_ID` of the decorated
 * aws-cdk-lib class itself (`constructor.PROPERTY_INJECTION_ID` in a closure), so a subclass that
 * overrides the static still receives the L2's injectors, and no injector aimed at the subclass.
 *
 * @see https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/core/lib/prop-injectable.ts
 * @see https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/core/lib/prop-injectors-helpers.ts
 */

/**
 * The props after the injector registered for `uniqueId` nearest to `scope` (as aws-cdk-lib looks it up:
 * the scope, then its ancestors), or the props unchanged.
 */
export function injectedProps<T>(uniqueId: string, scope: Construct, id: string, props: T): T {
  const owner = injectorOwner(scope, uniqueId);
  return owner === undefined ? props : PropertyInjectors.of(owner).for(uniqueId)!.inject(props, { scope, id });
}

/**
 * Returns `props` after making the injector aimed at the base L2 (`baseUniqueId`) skip the next
 * construction below `scope` — the one about to run, as the last argument of `super(...)` — so an
 * injector meant for every `s3.Bucket` does not weaken an `EncryptedBucket`. The skip restores the
 * injector as it is consumed, so later constructs of the base class get it again.
 */
export function skippingBaseInjector<T>(scope: Construct, baseUniqueId: string, props: T): T {
  const owner = injectorOwner(scope, baseUniqueId);
  if (owner !== undefined) {
    const injectors = PropertyInjectors.of(owner);
    const injector = injectors.for(baseUniqueId)!;
    injectors.add({
      constructUniqueId: baseUniqueId,
      inject: (skipped: unknown) => {
        injectors.add(injector);
        return skipped;
      },
    });
  }
  return props;
}

/** The nearest construct, from `scope` up, with an injector registered for `uniqueId`. */
function injectorOwner(scope: IConstruct, uniqueId: string): IConstruct | undefined {
  for (let current: IConstruct | undefined = scope; current !== undefined; current = current.node.scope) {
    if (PropertyInjectors.hasPropertyInjectors(current) && PropertyInjectors.of(current).for(uniqueId) !== undefined) {
      return current;
    }
  }
  return undefined;
}
