import { matchesPattern } from './capabilities';
import { KmsRequest, isAllowed } from './simulate';

/**
 * The decisions the engine made while a report is built, by request. Two requests are decided alike when
 * they differ only in the action or the key, and the same statements of the same policies name both actions
 * (by `Action` or `NotAction`) and both keys (by `Resource` or `NotResource`): the engine decides one of
 * them. Administering a key is 16 actions that a key policy usually names alike, and the keys of one kind
 * of construct have the same policy.
 */
export class Decisions {
  private readonly made = new Map<string, Promise<boolean>>();
  private readonly texts = new Map<string, number>();
  private readonly textIds = new WeakMap<object, number>();

  /** Whether AWS allows the request under the key policy: the engine's decision on it, or on one decided alike. */
  public isAllowed(keyPolicy: any, request: KmsRequest): Promise<boolean> {
    const identity = request.identityStatements;
    const alike = [
      this.textId(keyPolicy), this.textId(identity), request.principal, request.keyAccount,
      statementClass(keyPolicy, identity, (statement) => names(statement, 'Action', request.action)),
      statementClass(keyPolicy, identity, (statement) => names(statement, 'Resource', request.keyArn)),
      JSON.stringify(request.context),
    ].join('\u0000');
    if (!this.made.has(alike)) {
      this.made.set(alike, isAllowed(keyPolicy, request));
    }
    return this.made.get(alike)!;
  }

  /** A number standing for the JSON text of a policy or statement list: equal texts, equal numbers. */
  private textId(value: object): number {
    if (!this.textIds.has(value)) {
      const text = JSON.stringify(value);
      if (!this.texts.has(text)) {
        this.texts.set(text, this.texts.size);
      }
      this.textIds.set(value, this.texts.get(text)!);
    }
    return this.textIds.get(value)!;
  }
}

/** Which statements of the policies match: `1` or `0` each. */
function statementClass(policy: any, identity: readonly any[], matches: (statement: any) => boolean): string {
  return [...[policy?.Statement ?? []].flat(), ...identity].map((statement) => (matches(statement) ? '1' : '0')).join('');
}

/** Whether a statement's `Action` (`Resource`) names the value, or its `NotAction` (`NotResource`) does not. */
function names(statement: any, element: 'Action' | 'Resource', value: string): boolean {
  const matches = (patterns: unknown) => [patterns ?? []].flat().some((pattern: unknown) => typeof pattern === 'string' && matchesPattern(pattern, value));
  return statement?.[`Not${element}`] !== undefined ? !matches(statement[`Not${element}`]) : matches(statement?.[element]);
}
