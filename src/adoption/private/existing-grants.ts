import { CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

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
export function existingGrants(resource: CfnResource): ExistingGrant[] {
  const stack = Stack.of(resource);
  const references = [stack.resolve(resource.ref), stack.resolve(resource.getAtt('Arn'))].map((reference) => JSON.stringify(reference));
  return stack.node.findAll()
    .filter((construct): construct is iam.Policy | iam.ManagedPolicy => construct instanceof iam.Policy || construct instanceof iam.ManagedPolicy)
    .map((policy) => ({ policy, actions: allowedActionsOn(stack.resolve(policy.document.toJSON()), references) }))
    .filter((grant) => grant.actions.length > 0);
}

/** The actions of allow statements whose resources contain one of the references. */
function allowedActionsOn(document: { Statement?: any[] } | undefined, references: string[]): string[] {
  return (document?.Statement ?? [])
    .filter((statement) => statement.Effect === 'Allow' && references.some((reference) => JSON.stringify(statement.Resource ?? '').includes(reference)))
    .flatMap((statement) => [statement.Action].flat());
}

/**
 * The AWS services a resource policy of the stack lets act on the resource (an SNS topic delivering to a
 * queue, EventBridge publishing to a topic), with the conditions that scope them (`aws:SourceArn`, ...).
 * `policies` are the resource's policy type; `targetsOf` lists the resources each policy applies to.
 */
export function servicesAllowedOn<T extends CfnResource>(
  resource: CfnResource,
  policyType: new (...args: any[]) => T,
  targetsOf: (policy: T) => unknown,
  documentOf: (policy: T) => unknown,
): Array<{ service: string; conditions?: Record<string, Record<string, unknown>> }> {
  const stack = Stack.of(resource);
  const reference = JSON.stringify(stack.resolve(resource.ref));
  return stack.node.findAll()
    .filter((construct): construct is T => construct instanceof policyType && JSON.stringify(stack.resolve(targetsOf(construct))).includes(reference))
    .flatMap((policy) => ((stack.resolve(documentOf(policy)) as { Statement?: any[] })?.Statement ?? []))
    .filter((statement) => statement.Effect === 'Allow' && statement.Principal?.Service !== undefined)
    .flatMap((statement) => [statement.Principal.Service].flat().map((service: string) => ({ service, conditions: statement.Condition })));
}
