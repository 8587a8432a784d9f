import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SecureStringFunction } from './secure-string-function';
import { handlerKeyStatement, handlerParameterStatement, handlerPreviousKeyStatement } from './statements';
import { acknowledgeLambdaFindings, NO_RESERVED_CONCURRENCY_REASON } from '../../private/acknowledgements';
import { handlerLogGroup } from '../../private/handler-log-group';
import { validateManagedPolicySize } from '../../private/managed-policy-size';
import { nagResourceName } from '../../s3/private/nag';

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

  /** The function's role; each parameter adds its own permissions. */
  public readonly role: HandlerRole;
  public readonly function: SecureStringFunction;
  private parameters = 0;

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
    const previousKeys = handlerPreviousKeyStatement(Stack.of(this));
    this.role.addToPrincipalPolicy(previousKeys);
    Validations.of(this.role.policy).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(Stack.of(this), previousKeys.resources[0])}]`,
      reason: 'kms:Decrypt on the account\'s keys is confined to Parameter Store (kms:ViaService) and to parameters (PARAMETER_ARN context); the ssm: statement names only this stack\'s parameters. It lets an update read a value under the key it leaves, which this policy no longer names.',
    });

    validateManagedPolicySize(this.role.policy, () =>
      `This stack defines ${this.parameters} SecureStringParameters, whose ARNs and keys this policy of their handler lists. Define some of them in another stack.`);
    acknowledgeLambdaFindings(this.function, {
      insideVpc: 'The handler calls only the SSM, KMS and Secrets Manager APIs and the CloudFormation response URL; a VPC would need interface endpoints for each, in every stack that defines a parameter.',
      concurrency: NO_RESERVED_CONCURRENCY_REASON,
      deadLetterQueue: 'CloudFormation receives every failure through the response URL; a dead-letter queue would store request events, whose properties can hold an unsafePlainText value.',
    });
  }

  /**
   * Lets the handler manage the parameter `parameterArn` (a literal ARN: referencing the parameter
   * resource would be a cycle) and encrypt it with the key `keyArn`.
   */
  public addParameter(parameterArn: string, keyArn: string): void {
    this.role.addToPrincipalPolicy(handlerParameterStatement(parameterArn));
    this.role.addToPrincipalPolicy(handlerKeyStatement(keyArn, Stack.of(this)));
    this.parameters++;
  }
}

/**
 * The handler's role. Every statement (each parameter's, secret grants, log writing) goes into one
 * customer-managed policy rather than an inline one: the NIST, HIPAA and PCI packs reject inline
 * policies, and no AWS managed policy is used (AwsSolutions-IAM4).
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
