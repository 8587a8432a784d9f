import { CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { StackIndex } from './stack-index';

/** An IAM policy of the app that allows actions on a resource, and which actions. */
export interface ExistingGrant {
  readonly policy: iam.Policy | iam.ManagedPolicy;
  readonly actions: string[];
}

/**
 * The IAM policies in the resource's stack whose allow statements name the resource (its `Ref` or `Arn`,
 * alone or in a joined ARN such as `<bucket ARN>/*`): what aws-cdk-lib grants wrote before the resource
 * had a customer-managed key. Policies of other stacks name it through imports and are not found.
 */
export function existingGrants(resource: CfnResource, index: StackIndex): ExistingGrant[] {
  const stack = Stack.of(resource);
  const references = [stack.resolve(resource.ref), stack.resolve(resource.getAtt('Arn'))].map((reference) => JSON.stringify(reference));
  return index.policies
    .map((policy) => ({ policy, actions: allowedActionsOn(resolvedStatements(policy, stack), references) }))
    .filter((grant) => grant.actions.length > 0);
}

interface ResolvedStatement {
  readonly Effect: string;
  readonly Action: string | string[];
  /** The statement's `Resource`, as JSON text. */
  readonly resourceText: string;
}

/** Resolved statements by policy document, with the statement count they were resolved at. */
const resolvedDocuments = new WeakMap<iam.PolicyDocument, { readonly count: number; readonly statements: ResolvedStatement[] }>();

/**
 * A policy's statements, resolved once for every resource the mixin visits (resolving is what costs) and
 * again only when statements were added.
 */
function resolvedStatements(policy: iam.Policy | iam.ManagedPolicy, stack: Stack): ResolvedStatement[] {
  const document = policy.document;
  const cached = resolvedDocuments.get(document);
  if (cached?.count === document.statementCount) {
    return cached.statements;
  }
  const statements = (stack.resolve(document.toJSON())?.Statement ?? [])
    .map((statement: any) => ({ Effect: statement.Effect, Action: statement.Action, resourceText: JSON.stringify(statement.Resource ?? '') }));
  resolvedDocuments.set(document, { count: document.statementCount, statements });
  return statements;
}

/** The actions of allow statements whose resources contain one of the references. */
function allowedActionsOn(statements: ResolvedStatement[], references: string[]): string[] {
  return statements
    .filter((statement) => statement.Effect === 'Allow' && references.some((reference) => statement.resourceText.includes(reference)))
    .flatMap((statement) => [statement.Action].flat());
}

/**
 * The AWS services a resource policy of the stack lets act on the resource (an SNS topic delivering to a
 * queue, EventBridge publishing to a topic), with the conditions that scope them (`aws:SourceArn`, ...).
 * `policyType` is the resource's policy type; `targetsOf` lists the resources each policy applies to.
 */
export function servicesAllowedOn<T extends CfnResource>(
  resource: CfnResource,
  index: StackIndex,
  policyType: new (...args: any[]) => T,
  targetsOf: (policy: T) => unknown,
  documentOf: (policy: T) => unknown,
): Array<{ service: string; conditions?: Record<string, Record<string, unknown>> }> {
  const stack = Stack.of(resource);
  const reference = JSON.stringify(stack.resolve(resource.ref));
  return index.ofType<T>((construct) => construct instanceof policyType)
    .filter((policy) => JSON.stringify(stack.resolve(targetsOf(policy))).includes(reference))
    .flatMap((policy) => ((stack.resolve(documentOf(policy)) as { Statement?: any[] })?.Statement ?? []))
    .filter((statement) => statement.Effect === 'Allow' && statement.Principal?.Service !== undefined)
    .flatMap((statement) => [statement.Principal.Service].flat().map((service: string) => ({ service, conditions: statement.Condition })));
}
