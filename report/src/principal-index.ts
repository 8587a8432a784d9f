import { matchesPattern } from './capabilities';
import { AppPrincipal, labelOf, resourceRefOf } from './inventory';
import { Unknown } from './model';
import { unknownsOf } from './values';

/**
 * The app's roles and users by the keys their identity statements could name (an Allow statement whose
 * actions reach KMS): by exact key ARN, by ARN pattern, or any key (`NotResource`), so each key is matched
 * against the few statements that could name it.
 */
export class PrincipalIndex {
  private readonly byArn: ReadonlyMap<string, AppPrincipal>;
  private readonly exact = new Map<string, Set<AppPrincipal>>();
  private readonly patterns: Array<[string, AppPrincipal]> = [];

  constructor(public readonly principals: readonly AppPrincipal[]) {
    this.byArn = new Map(principals.map((principal) => [principal.arn, principal]));
    for (const principal of principals) {
      for (const statement of principal.statements.filter(reachesKms)) {
        const resources = statement.NotResource !== undefined ? ['*'] : [statement.Resource ?? []].flat().filter((value: unknown) => typeof value === 'string');
        for (const resource of resources) {
          if (/[*?]/.test(resource)) {
            this.patterns.push([resource, principal]);
          } else {
            this.exact.set(resource, new Set([...(this.exact.get(resource) ?? []), principal]));
          }
        }
      }
    }
  }

  /** The principal of the app with this ARN. */
  public withArn(arn: string): AppPrincipal | undefined {
    return this.byArn.get(arn);
  }

  /** The principals whose identity statements could allow a KMS action on the key, in the app's order. */
  public couldName(keyArn: string): AppPrincipal[] {
    const byPattern = this.patterns.filter(([pattern]) => matchesPattern(pattern, keyArn)).map(([, principal]) => principal);
    const found = new Set([...(this.exact.get(keyArn) ?? []), ...byPattern]);
    return this.principals.filter((principal) => found.has(principal));
  }
}

/** Keys the identity statements of the app's principals name by a value only known at deploy time. */
export function unknownKeysOfPrincipals(principals: readonly AppPrincipal[]): Unknown[] {
  return principals.flatMap((principal) => {
    const ref = resourceRefOf(principal.resource);
    const froms = principal.statements.filter(reachesKms)
      .flatMap((statement) => [statement.Resource ?? []].flat().filter((value: unknown): value is string => typeof value === 'string').flatMap(unknownsOf));
    return [...new Set(froms)].map((from) => ({ what: `a key ${principal.kind} ${labelOf(ref)} may use`, from, resource: ref }));
  });
}

function reachesKms(statement: any): boolean {
  return statement?.Effect === 'Allow'
    && (statement.NotAction !== undefined || [statement.Action ?? []].flat().some((pattern: unknown) => typeof pattern === 'string' && /^(kms:|\*)/i.test(pattern)));
}
