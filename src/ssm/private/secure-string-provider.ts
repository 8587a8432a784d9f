import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ValueKind } from './secure-string-contract';
import { SecureStringFunction } from './secure-string-function';
import { HANDLER_KEY_ACTIONS, handlerKeyStatement, handlerOwnedParameterStatement, handlerParameterStatement } from './statements';
import { acknowledgeLambdaFindings, NO_RESERVED_CONCURRENCY_REASON } from '../../private/acknowledgements';
import { handlerLogGroup } from '../../private/handler-log-group';
import { PARAMETER_STORE_READ_KEY_ACTIONS } from '../../private/key-use/actions';
import { deployedLengthUpperBound, MANAGED_POLICY_SIZE_LIMIT, validateManagedPolicySize } from '../../private/managed-policy-size';
import { failValidation } from '../../private/validation';
import { nagResourceName } from '../../s3/private/nag';
import { SecureStringValue } from '../secure-string-value';

/**
 * How many managed policies IAM attaches to a role by default: the handler's first policy and at most
 * this many less one that list parameter ARNs.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities
 */
const MANAGED_POLICIES_PER_ROLE = 10;

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
  private readonly parameterPolicies: ArnListPolicy[] = [];
  /**
   * The role's policies that let it decrypt with the keys of the parameters (`PreviousKeysPolicy`, ...).
   * They wait for every parameter, so during an update they still name the keys of the previous template:
   * a parameter moving to another key is read under the key it leaves.
   */
  private readonly previousKeyPolicies: ArnListPolicy[] = [];
  /** Every key named so far in the previous-keys policies, as resolved JSON. */
  private readonly previousKeys = new Set<string>();
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
    const stack = Stack.of(this);
    this.parameters++;
    this.parameterResources.push(resource);
    this.previousKeyPolicies.forEach((entry) => entry.policy.node.addDependency(resource));
    const last = this.parameterPolicies.at(-1);
    if (last?.fits([parameterArn, key.keyArn])) {
      last.add(parameterArn, key.keyArn);
    } else {
      this.parameterPolicies.push(this.newParameterPolicy(scope, parameterArn, key.keyArn));
    }
    const keyId = JSON.stringify(stack.resolve(key.keyArn));
    if (!this.previousKeys.has(keyId)) {
      this.previousKeys.add(keyId);
      const lastKeys = this.previousKeyPolicies.at(-1);
      if (lastKeys?.fits([key.keyArn])) {
        lastKeys.add(key.keyArn);
      } else {
        this.previousKeyPolicies.push(this.newPreviousKeysPolicy(scope, key.keyArn));
      }
    }
  }

  /** The role's next policy of parameters and their keys, `Policy2`, `Policy3`, ... */
  private newParameterPolicy(scope: Construct, parameterArn: string, keyArn: string): ArnListPolicy {
    const entry = this.newArnListPolicy(this.role, scope, `Policy${this.parameterPolicies.length + 2}`,
      [handlerParameterStatement(parameterArn), handlerKeyStatement(Stack.of(this), HANDLER_KEY_ACTIONS, keyArn)],
      () => `This policy of their handler lists the ARNs of ${entry.parameters} of this stack's ${this.parameters} SecureStringParameters and of their keys. Give them shorter names, or define some of them in another stack.`);
    this.function.node.addDependency(entry.policy);
    return entry;
  }

  /** The role's next policy of previous keys, `PreviousKeysPolicy`, `PreviousKeysPolicy2`, ... */
  private newPreviousKeysPolicy(scope: Construct, keyArn: string): ArnListPolicy {
    const number = this.previousKeyPolicies.length + 1;
    const entry = this.newArnListPolicy(this, scope, `PreviousKeysPolicy${number === 1 ? '' : number}`,
      [handlerKeyStatement(Stack.of(this), PARAMETER_STORE_READ_KEY_ACTIONS, keyArn)],
      () => `This policy of their handler lists the keys of this stack's ${this.parameters} SecureStringParameters. Let more of them share a key, or define some of them in another stack.`);
    this.parameterResources.forEach((resource) => entry.policy.node.addDependency(resource));
    return entry;
  }

  /**
   * A policy of the role, defined under `parent`: the function waits for every resource under the role
   * (lambda.Function depends on its role's construct), so policies it must not wait for are defined beside it.
   */
  private newArnListPolicy(parent: Construct, scope: Construct, id: string, statements: iam.PolicyStatement[], fix: () => string): ArnListPolicy {
    if (this.parameterPolicies.length + this.previousKeyPolicies.length + 2 > MANAGED_POLICIES_PER_ROLE) {
      failValidation(scope, [
        `This stack defines ${this.parameters} SecureStringParameters, whose ARNs and keys fill the ${MANAGED_POLICIES_PER_ROLE - 1} managed policies of their handler's role that list them (IAM attaches at most ${MANAGED_POLICIES_PER_ROLE} managed policies to a role, and the first holds the handler's other permissions). Define some of them in another stack, let more of them share a key, or give them shorter names.`,
      ]);
    }
    const policy = new iam.ManagedPolicy(parent, id, { roles: [this.role], statements });
    const entry = new ArnListPolicy(Stack.of(this), policy, statements);
    validateManagedPolicySize(policy, fix);
    return entry;
  }
}

/**
 * A managed policy of the handler's role whose statements each list ARNs (parameters, keys), and the most
 * characters it can take once deployed, as validateManagedPolicySize counts them. The n-th ARN given to
 * `add` goes into the n-th statement, unless that statement lists it already.
 */
class ArnListPolicy {
  /** How many parameters it serves. */
  public parameters = 1;
  private deployedLength: number;

  constructor(private readonly stack: Stack, public readonly policy: iam.ManagedPolicy, private readonly statements: iam.PolicyStatement[]) {
    this.deployedLength = policyLength(stack, statements);
  }

  /** Whether the ARNs, one per statement, still fit under IAM's limit. */
  public fits(arns: string[]): boolean {
    return this.deployedLength + this.growth(arns) <= MANAGED_POLICY_SIZE_LIMIT;
  }

  public add(...arns: string[]): void {
    this.deployedLength += this.growth(arns);
    arns.forEach((arn, i) => {
      if (!this.lists(i, arn)) {
        this.statements[i].addResources(arn);
      }
    });
    this.parameters++;
  }

  /** Each new ARN with its quotes and the comma before it. */
  private growth(arns: string[]): number {
    return arns.filter((arn, i) => !this.lists(i, arn))
      .reduce((sum, arn) => sum + ','.length + deployedLengthUpperBound(this.stack, this.stack.resolve(arn)), 0);
  }

  private lists(statement: number, arn: string): boolean {
    const resolved = JSON.stringify(this.stack.resolve(arn));
    return this.statements[statement].resources.some((resource) => JSON.stringify(this.stack.resolve(resource)) === resolved);
  }
}

/** The deployed length of a policy holding `statements`, their resources counted as lists. */
function policyLength(stack: Stack, statements: iam.PolicyStatement[]): number {
  const json = statements.map((statement) => statement.toStatementJson())
    .map((statement) => ({ ...statement, Resource: [statement.Resource].flat() }));
  return deployedLengthUpperBound(stack, stack.resolve({ Statement: json, Version: '2012-10-17' }));
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
