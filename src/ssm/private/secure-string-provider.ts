import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ValueKind } from './secure-string-contract';
import { SecureStringFunction } from './secure-string-function';
import { HANDLER_KEY_ACTIONS, handlerKeyStatement, handlerOwnedParameterStatement, handlerParameterStatement } from './statements';
import { acknowledgeLambdaFindings, NO_RESERVED_CONCURRENCY_REASON } from '../../private/acknowledgements';
import { ArnListPolicies, MANAGED_POLICIES_PER_ROLE } from '../../private/arn-list-policies';
import { handlerLogGroup } from '../../private/handler-log-group';
import { PARAMETER_STORE_READ_KEY_ACTIONS } from '../../private/key-use/actions';
import { validateManagedPolicySize } from '../../private/managed-policy-size';
import { failValidation } from '../../private/validation';
import { nagResourceName } from '../../s3/private/nag';
import { SecureStringValue } from '../secure-string-value';

/**
 * The Lambda function behind every SecureStringParameter of a stack, with its role and encrypted log
 * group: one per stack, found or created under a fixed id.
 *
 * The function is the ServiceToken itself and answers CloudFormation through the pre-signed response
 * URL (secure-string-resource.ts `respond`). The cr.Provider framework would add a second function and
 * a role allowed to invoke `<function>:*`, findings under cdk-nag's IAM5 and the Lambda rules, for a
 * handler that finishes well within one invocation.
 */
export class SecureStringProvider extends Construct {
  /** The construct id in the stack: changing it replaces the function, so it is fixed. */
  public static readonly ID = 'SecureStringParameterProvider';

  /**
   * The function's timeout. The handler answers CloudFormation with 20 s of it left
   * (secure-string-resource.ts); its SDK calls retry throttling with backoff within it.
   */
  public static readonly TIMEOUT = Duration.minutes(2);

  /**
   * How long CloudFormation waits for an answer before it fails the resource itself (its default is an
   * hour): one invocation, Lambda's first retry of a failed asynchronous invocation a minute later, and
   * that retry's run.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html#cfn-cloudformation-customresource-servicetimeout
   * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
   */
  public static readonly SERVICE_TIMEOUT = Duration.minutes(6);

  /** The provider of the stack that `scope` is in. */
  public static of(scope: Construct): SecureStringProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SecureStringProvider.ID);
    return existing instanceof SecureStringProvider ? existing : new SecureStringProvider(stack, SecureStringProvider.ID);
  }

  /** The function's role: log writing and grants in its first policy, parameter and key ARNs in the others. */
  private readonly role: HandlerRole;
  public readonly function: SecureStringFunction;
  /**
   * The role's policies that list the parameters and their keys (`Policy2`, ...), as many in each as
   * fit; the last one has room. The function waits for them, so they change before any parameter does.
   */
  private readonly parameterPolicies: ArnListPolicies;
  /**
   * The role's policies that let it decrypt with the keys of the parameters (`PreviousKeysPolicy`, ...).
   * They wait for every parameter, so during an update they still name the keys of the previous template:
   * a parameter moving to another key is read under the key it leaves.
   */
  private readonly previousKeyPolicies: ArnListPolicies;
  /** The custom resources every previous-keys policy waits for. */
  private readonly parameterResources: Construct[] = [];
  private parameters = 0;
  private copiedSecrets = 0;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new HandlerRole(this, 'Role');
    const logGroup = handlerLogGroup(this, 'LogGroup');
    logGroup.grantWrite(this.role);

    this.function = new SecureStringFunction(this, 'Function', {
      description: 'Custom resource handler of cdk-kms-encryption SecureStringParameter',
      role: this.role,
      logGroup,
      timeout: SecureStringProvider.TIMEOUT,
    });
    // The policy is attached by its own resource, which the role does not wait for; the function must.
    this.function.node.addDependency(this.role.policy);
    const owned = handlerOwnedParameterStatement(Stack.of(this));
    this.role.addToPrincipalPolicy(owned);
    Validations.of(this.role.policy).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(Stack.of(this), owned.resources[0])}]`,
      reason: 'Reading the tags of and deleting parameters is confined to those tagged with this stack\'s id (aws:ResourceTag): CloudFormation\'s cleanup and rollback Deletes name parameters the policies in force no longer list, and the handler deletes only the names CloudFormation sends it whose ownership tags name this stack and resource.',
    });

    this.parameterPolicies = new ArnListPolicies(Stack.of(this), {
      statementsFor: ([parameterArn, keyArn]) =>
        [handlerParameterStatement(parameterArn), handlerKeyStatement(Stack.of(this), HANDLER_KEY_ACTIONS, keyArn)],
      define: (statements, number) => {
        const policy = new iam.ManagedPolicy(this.role, `Policy${number + 1}`, { roles: [this.role], statements });
        this.function.node.addDependency(policy);
        return policy;
      },
      fix: (parameters) => `This policy of their handler lists the ARNs of ${parameters} of this stack's ${this.parameters} SecureStringParameters and of their keys. Give them shorter names, or define some of them in another stack.`,
    });
    this.previousKeyPolicies = new ArnListPolicies(Stack.of(this), {
      statementsFor: ([keyArn]) => [handlerKeyStatement(Stack.of(this), PARAMETER_STORE_READ_KEY_ACTIONS, keyArn)],
      define: (statements, number) => {
        // Beside the role, not under it: the function waits for every resource under its role
        // (lambda.Function depends on its role's construct), and must not wait for these.
        const policy = new iam.ManagedPolicy(this, `PreviousKeysPolicy${number === 1 ? '' : number}`, { roles: [this.role], statements });
        this.parameterResources.forEach((resource) => policy.node.addDependency(resource));
        return policy;
      },
      fix: () => `This policy of their handler lists the keys of this stack's ${this.parameters} SecureStringParameters. Let more of them share a key, or define some of them in another stack.`,
    });

    validateManagedPolicySize(this.role.policy, () =>
      `This policy holds the handler's log writing, its deletes of parameters tagged for this stack and read grants on the ${this.copiedSecrets} secrets that this stack's SecureStringParameters copy (SecureStringValue.fromSecret). Define some of the parameters that copy secrets in another stack.`);
    acknowledgeLambdaFindings(this.function, {
      insideVpc: 'The handler calls only the SSM, KMS and Secrets Manager APIs and the CloudFormation response URL; a VPC would need interface endpoints for each, in every stack that defines a parameter.',
      concurrency: NO_RESERVED_CONCURRENCY_REASON,
      deadLetterQueue: 'CloudFormation receives every failure through the response URL; a dead-letter queue would store request events, whose properties can hold an unsafePlainText value.',
    });
  }

  /** Binds a parameter's value source to the handler, which gets read on a secret it copies. */
  public bindValue(value: SecureStringValue): ReturnType<SecureStringValue['_bind']> {
    const bound = value._bind(this.role);
    if (bound.properties.Kind === ValueKind.SECRET) {
      this.copiedSecrets++;
    }
    return bound;
  }

  /**
   * Lets the handler manage the parameter `parameterArn` (a literal ARN: referencing the parameter
   * resource would be a cycle) and use `key` for it. The parameter and its key go into the last parameter
   * policy, the key (once per stack) into the last previous-keys policy, or into new ones when they would
   * pass IAM's size limit there; more than the role's quota of policies fails `scope`, the parameter,
   * with the count and the fix.
   */
  public addParameter(scope: Construct, parameterArn: string, key: kms.IKey, resource: Construct): void {
    this.parameters++;
    this.parameterResources.push(resource);
    this.previousKeyPolicies.managedPolicies.forEach((policy) => policy.node.addDependency(resource));
    this.parameterPolicies.add(parameterArn, key.keyArn);
    this.previousKeyPolicies.addOnce(key.keyArn);
    if (1 + this.parameterPolicies.managedPolicies.length + this.previousKeyPolicies.managedPolicies.length > MANAGED_POLICIES_PER_ROLE) {
      failValidation(scope, [
        `This stack defines ${this.parameters} SecureStringParameters, whose ARNs and keys fill the ${MANAGED_POLICIES_PER_ROLE - 1} managed policies of their handler's role that list them (IAM attaches at most ${MANAGED_POLICIES_PER_ROLE} managed policies to a role, and the first holds the handler's other permissions). Define some of them in another stack, let more of them share a key, or give them shorter names.`,
      ]);
    }
  }
}

/**
 * The handler's role. Its statements go into customer-managed policies rather than inline ones: the
 * NIST, HIPAA and PCI packs reject inline policies, and no AWS managed policy is used (AwsSolutions-IAM4).
 * Grants (log writing, secrets the parameters copy) go into the first; the provider adds the policies
 * that list parameter ARNs.
 */
class HandlerRole extends iam.Role {
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string) {
    super(scope, id, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Creates, updates and deletes the SecureString parameters of this stack',
    });
    this.policy = new iam.ManagedPolicy(this, 'Policy', { roles: [this] });
  }

  public override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}
