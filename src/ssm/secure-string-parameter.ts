import { Annotations, CustomResource, ITaggable, Lazy, Names, RemovalPolicy, Resource, Stack, TagManager, TagType, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ParameterPolicy } from './parameter-policy';
import { addParameterInvariantValidation } from './private/invariants';
import { RESOURCE_TYPE, SecureStringProperties, ValueKind } from './private/secure-string-contract';
import { SecureStringProvider } from './private/secure-string-provider';
import {
  PARAMETER_READ_ACTIONS,
  PARAMETER_WRITE_ACTIONS,
  parameterKeyConditions,
  parameterStoreKeyStatement,
} from './private/statements';
import {
  allowedPatternMismatch,
  descriptionProblem,
  duplicateNameProblem,
  parameterNameProblems,
  policiesTierProblem,
  versionProblem,
} from './private/validation';
import { SecureStringValue } from './secure-string-value';
import { CustomerManagedKey } from '../kms/customer-managed-key';
import { injectedProps } from '../private/injection';
import { PARAMETER_STORE_READ_KEY_ACTIONS, PARAMETER_STORE_WRITE_KEY_ACTIONS } from '../private/key-use/actions';
import { addToKeyPolicyOrWarn } from '../private/key-use/key-policy';
import { withOtherGenerations } from '../private/key-use/key-ring';
import { symmetricKeyProblem } from '../private/key-use/key-spec';
import { present, throwIfInvalid } from '../private/validation';

/** Properties of a {@link SecureStringParameter}. */
export interface SecureStringParameterProps {
  /**
   * Where the value comes from.
   *
   * @default SecureStringValue.generated()
   */
  readonly value?: SecureStringValue;

  /**
   * The parameter's name, e.g. `/my-app/db-password`. A name with `/` must begin with `/`. A name given
   * as a token is taken to begin with `/`. Changing the name creates a new parameter.
   *
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html
   * @default - `/cdk-kms-encryption/` followed by a name derived from the construct path and stack name, the same on every synth
   */
  readonly parameterName?: string;

  /**
   * The symmetric KMS key that encrypts the value. Its key policy gets a statement letting this
   * account's principals use it through Parameter Store; an imported key's policy cannot be edited,
   * so a warning shows the statement to add.
   *
   * @default - a new CustomerManagedKey is defined
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The parameter tier. An Advanced parameter cannot go back to Standard.
   *
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html
   * @default ssm.ParameterTier.STANDARD
   */
  readonly tier?: ssm.ParameterTier;

  /**
   * Parameter policies (expiration and notifications). They need the Advanced or Intelligent-Tiering tier.
   *
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-policies.html
   * @default - no policies
   */
  readonly policies?: ParameterPolicy[];

  /**
   * A description of the parameter (at most 1024 characters).
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * A regular expression the value must match; Parameter Store checks it on every write.
   *
   * @default - no pattern
   */
  readonly allowedPattern?: string;

  /**
   * What happens to the parameter when it leaves the stack or is replaced by a new name.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A SecureString parameter encrypted with a customer-managed KMS key, whose value never appears in
 * the template, an asset or `cdk.out` (unless it comes from `SecureStringValue.unsafePlainText`).
 *
 * CloudFormation cannot create SecureString parameters, so a custom resource does, with one Lambda
 * function per stack shared by every parameter. The function's role may change only this stack's
 * parameters (it names each one), and use keys only through Parameter Store and only for parameters.
 * Its policies grow by one ARN a parameter, spread over as many of the role's managed policies as
 * needed, so a stack holds about as many parameters as CloudFormation's 500 resources allow.
 *
 * @resource Custom::SecureStringParameter
 *
 * @example
 * declare const appRole: iam.IRole;
 * const apiToken = new SecureStringParameter(this, 'ApiToken', {
 *   parameterName: '/my-app/api-token',
 *   value: SecureStringValue.generated({ length: 40 }),
 * });
 * apiToken.grantRead(appRole);
 */
export class SecureStringParameter extends Resource implements ssm.IParameter, ITaggable {
  /**
   * The id property injectors aim at to set defaults for every `SecureStringParameter`. They receive
   * and return `SecureStringParameterProps`.
   */
  public static readonly PROPERTY_INJECTION_ID: string = 'cdk-kms-encryption.SecureStringParameter';

  /** The parameter's name; referencing it makes the user depend on the parameter being created. */
  public readonly parameterName: string;
  /** The parameter's ARN. */
  public readonly parameterArn: string;
  /** Always `SecureString`. */
  public readonly parameterType: string = ssm.ParameterType.SECURE_STRING;
  /** The key that encrypts the value. */
  public readonly encryptionKey: kms.IKey;
  /** Tags applied to the parameter (with `Tags.of()` or directly). */
  public readonly tags: TagManager;

  private readonly resource: CustomResource;

  /**
   * @param scope the construct the parameter is defined in
   * @param id the id of the parameter, unique within `scope`
   * @param props the options of the parameter
   */
  constructor(scope: Construct, id: string, props: SecureStringParameterProps = {}) {
    props = injectedProps(SecureStringParameter.PROPERTY_INJECTION_ID, scope, id, props);
    super(scope, id);
    const stack = Stack.of(this);
    const tier = props.tier ?? ssm.ParameterTier.STANDARD;
    const name = props.parameterName ?? derivedName(this);
    const provider = SecureStringProvider.of(this);
    const value = provider.bindValue(props.value ?? SecureStringValue.generated());
    const policies = (props.policies ?? []).map((policy) => policy._render());

    throwIfInvalid(this, [
      ...parameterNameProblems(name, stack),
      ...present(duplicateNameProblem(this, name, stack)),
      ...value.problems,
      ...policies.flatMap((policy) => policy.problems),
      ...present(
        policiesTierProblem(tier, policies.length),
        descriptionProblem(props.description),
        props.encryptionKey && symmetricKeyProblem('encryptionKey', props.encryptionKey),
      ),
    ]);

    const patternMismatch = value.properties.Kind === ValueKind.GENERATED
      && allowedPatternMismatch(props.allowedPattern, Number(value.properties.Length), value.properties.ExcludeCharacters ?? '');
    if (patternMismatch) {
      Annotations.of(this).addWarningV2('cdk-kms-encryption:allowedPatternRejectsGeneratedValue', patternMismatch);
    }

    this.encryptionKey = props.encryptionKey ?? new CustomerManagedKey(this, 'Key', {
      description: `Encrypts the SecureString parameter ${this.node.path}`,
    });
    this.tags = new TagManager(TagType.KEY_VALUE, RESOURCE_TYPE);

    const properties: SecureStringProperties = {
      Name: name,
      KeyId: this.encryptionKey.keyArn,
      Tier: tier,
      Value: value.properties,
      Retain: String((props.removalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.RETAIN),
      Description: props.description,
      AllowedPattern: props.allowedPattern,
      Policies: policies.length > 0 ? JSON.stringify(policies.map((policy) => policy.policy)) : undefined,
      Tags: Lazy.any({ produce: () => this.tags.renderTags() }) as any,
    };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.function.functionArn,
      resourceType: RESOURCE_TYPE,
      properties: { ...properties },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      serviceTimeout: SecureStringProvider.SERVICE_TIMEOUT,
    });
    addParameterInvariantValidation(this, this.resource, this.encryptionKey, props.removalPolicy);

    // The Ref is the name, so users of these attributes wait for the parameter to exist.
    this.parameterName = this.resource.ref;
    this.parameterArn = parameterArn(stack, this.parameterName, name);

    // The handler's permissions use the literal name: referencing the resource would be a cycle.
    provider.addParameter(this, parameterArn(stack, name, name), this.encryptionKey, this.resource);
    addToKeyPolicyOrWarn(this, this.encryptionKey, parameterStoreKeyStatement(stack));
  }

  /** The name and ARN of the parameter. */
  public get parameterRef(): ssm.ParameterReference {
    return { parameterName: this.parameterName, parameterArn: this.parameterArn };
  }

  /**
   * Lets the principal read the parameter with decryption: `ssm:GetParameter`, `GetParameters` and
   * `GetParameterHistory` on it, and `kms:Decrypt` on the key only through Parameter Store and only
   * for this parameter (encryption context `PARAMETER_ARN`).
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grantParameter(grantee, PARAMETER_READ_ACTIONS, PARAMETER_STORE_READ_KEY_ACTIONS);
  }

  /**
   * Lets the principal write the parameter: `ssm:PutParameter` on it, and `kms:Encrypt` and
   * `kms:GenerateDataKey` on the key only through Parameter Store and only for this parameter.
   */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    return this.grantParameter(grantee, PARAMETER_WRITE_ACTIONS, PARAMETER_STORE_WRITE_KEY_ACTIONS);
  }

  /**
   * A CloudFormation dynamic reference to the value, `{{resolve:ssm-secure:<name>:<version>}}`, for the
   * resource properties that accept SecureString references. CloudFormation resolves it at deploy time;
   * the value is not in the template.
   *
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-ssm-secure-strings.html
   * @param version a parameter version; default: the latest version
   */
  public dynamicReference(version?: number): string {
    throwIfInvalid(this, present(versionProblem(version)));
    return `{{resolve:ssm-secure:${this.parameterName}${version === undefined ? '' : `:${version}`}}}`;
  }

  private grantParameter(grantee: iam.IGrantable, parameterActions: readonly string[], keyActions: readonly string[]): iam.Grant {
    const conditions = parameterKeyConditions(this.parameterArn, Stack.of(this));
    return iam.Grant.addToPrincipal({ grantee, actions: [...parameterActions], resourceArns: [this.parameterArn] }).combine(
      // Versions written under earlier generations of an ExternalKeyRing stay encrypted under those keys.
      withOtherGenerations(
        iam.Grant.addToPrincipal({ grantee, actions: [...keyActions], resourceArns: [this.encryptionKey.keyArn], conditions }),
        this.encryptionKey, grantee, keyActions, conditions,
      ),
    );
  }
}

/** `/cdk-kms-encryption/<stack name and construct path>`: stable across synths, unique per stack. */
function derivedName(scope: Construct): string {
  return `/cdk-kms-encryption/${Names.uniqueResourceName(scope, { maxLength: 200, separator: '-' })}`;
}

/** A parameter's ARN; `literal` tells whether the name begins with `/` (tokens are taken to). */
function parameterArn(stack: Stack, name: string, literal: string): string {
  const qualified = Token.isUnresolved(literal) || literal.startsWith('/');
  return stack.formatArn({ service: 'ssm', resource: qualified ? `parameter${name}` : `parameter/${name}` });
}
