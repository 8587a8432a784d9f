/**
 * The encryption report's data: what `encryption-report.json` holds, and what the HTML and Markdown forms
 * render. Every identifier is stable across two syntheses of the same app, so two reports can be compared
 * (`--diff`): stacks by artifact id, resources by `<artifact id>/<logical id>`, external keys and principals
 * by ARN or service name.
 */

/** The version of this format; a reader refuses another. */
export const REPORT_SCHEMA_VERSION = 1;

/** A value the report could not know at synth, and where it comes from. */
export interface Unknown {
  /** What is unknown, in words ("the key ARN", "the principal"). */
  readonly what: string;
  /** Where it comes from, in the template's terms ("parameter KeyArn of stack Payments", "Fn::ImportValue Shared-KeyArn"). */
  readonly from: string;
  /** The resource whose property holds it, when there is one. */
  readonly resource?: ResourceRef;
}

/** A stack of the assembly (nested stacks included). */
export interface StackEntry {
  /** The artifact id (`Payments`), or `<parent id>/<logical id>` for a nested stack. */
  readonly id: string;
  readonly stackName: string;
  /** The construct path of the stack. */
  readonly path?: string;
  /** `unknown-account` / `unknown-region` when the stack is environment-agnostic. */
  readonly account: string;
  readonly region: string;
  /** The id of the stack that holds this nested stack. */
  readonly parent?: string;
}

/** A resource of a template. */
export interface ResourceRef {
  /** `<stack id>/<logical id>`. */
  readonly id: string;
  readonly stack: string;
  readonly logicalId: string;
  /** `AWS::S3::Bucket`. */
  readonly type: string;
  /** The construct path (`aws:cdk:path`), when the template records it. */
  readonly path?: string;
}

/** How a key is configured, as far as the template says (absent: unknown at synth). */
export interface KeyConfiguration {
  /** `SYMMETRIC_DEFAULT`, `RSA_3072`, … */
  readonly keySpec?: string;
  /** `ENCRYPT_DECRYPT`, `SIGN_VERIFY`, … */
  readonly keyUsage?: string;
  /** `AWS_KMS`, `EXTERNAL`, `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`. */
  readonly origin?: string;
  readonly enabled?: boolean;
  readonly rotation?: { readonly enabled: boolean; readonly periodDays?: number };
  readonly multiRegion?: boolean;
  readonly pendingWindowDays?: number;
  /** What happens to the key when its resource leaves the stack (`DeletionPolicy`). */
  readonly retention?: 'Retain' | 'Delete' | 'RetainExceptOnCreate' | 'Snapshot';
}

/** A resource whose data a key encrypts, and the property that names the key. */
export interface EncryptedData {
  readonly resource: ResourceRef;
  /** The property path of the key (`BucketEncryption.ServerSideEncryptionConfiguration[].ServerSideEncryptionByDefault.KMSMasterKeyID`). */
  readonly property: string;
}

/**
 * What a principal can do with a key, each a list of KMS actions (report/src/capabilities.ts):
 * - `decrypt`: `kms:Decrypt`, `kms:ReEncryptFrom` (re-encrypting reads the plaintext);
 * - `encrypt`: `kms:Encrypt`, `kms:GenerateDataKey`, `kms:GenerateDataKeyWithoutPlaintext`, `kms:ReEncryptTo`;
 * - `sign`: `kms:Sign`, `kms:GenerateMac` (asymmetric signing and HMAC keys);
 * - `administer`: the key administrators' actions that change the key (enable, disable, rotate, schedule deletion,
 *   tag, aliases, import key material, `kms:PutKeyPolicy`), not reading it (`Describe*`, `Get*`, `List*`);
 * - `create-grants`: `kms:CreateGrant`;
 * - `share`: `kms:PutKeyPolicy`, `kms:ReplicateKey` (letting other principals or Regions use the key).
 * A principal has a capability when the IAM engine allows it at least one of its actions.
 */
export type Capability = 'decrypt' | 'encrypt' | 'sign' | 'administer' | 'create-grants' | 'share';

/** Who can use a key. */
export interface PrincipalRef {
  /**
   * `<stack id>/<logical id>` for a role or user of the app, else its ARN, account id (`unknown-account` for the
   * account an environment-agnostic app is deployed to) or service name; `*` for any principal.
   */
  readonly id: string;
  /**
   * `account`: any principal of the account whose IAM policy allows it (the key policy trusts the account);
   * `any`: any principal at all (`Principal: "*"`), within the conditions; `unknown`: a principal ARN of another form.
   */
  readonly kind: 'role' | 'user' | 'account' | 'service' | 'any' | 'unknown';
  /** What a reader calls it: the role's construct path, `account 111111111111`, `logs.eu-west-1.amazonaws.com`. */
  readonly label: string;
  /** The resource that defines it, for a principal of the app. */
  readonly resource?: ResourceRef;
  readonly account?: string;
}

/** One principal's capability on one key, as the IAM engine evaluated it. */
export interface Access {
  readonly principal: PrincipalRef;
  readonly capability: Capability;
  /** The actions of the capability the principal is allowed (`kms:Decrypt`). */
  readonly actions: string[];
  /**
   * Which policies allow it: `key-policy` alone, or `identity-policy` and `key-policy` where the key policy
   * delegates to the principal's IAM policies (`identity-policy` alone for a key the app only refers to, whose
   * policy is not in the app). `grant` is not used: templates hold no grants, and the library's
   * SnapshotSharingGrant writes key-policy statements.
   */
  readonly through: Array<'key-policy' | 'identity-policy' | 'grant'>;
  /**
   * The conditions the request must meet, in plain words, all of which apply ("only through S3 in us-east-1",
   * "only for bucket app-data"); where several ways are allowed, one entry lists them ("only through S3 in
   * us-east-1 for bucket a, or Secrets Manager in us-east-1 for secret b"). Empty: none. Each is derived from
   * which requests the IAM engine allows (directly, through each service, for each resource), not from the
   * statements' text.
   */
  readonly conditions: string[];
  /**
   * A key policy that trusts an account's identities: "any principal of 111111111111 whose IAM policy allows it".
   * Set on the `account` principal's entry; the app's roles that are allowed appear as entries of their own.
   */
  readonly delegatesToIam?: boolean;
}

/** A KMS key the app creates or refers to. */
export interface KeyEntry {
  /** `<stack id>/<logical id>` for a key of the app; its ARN (or `unknown:<from>`) for a referenced key. */
  readonly id: string;
  readonly origin: 'created' | 'referenced';
  /** What a reader calls it: its construct path, alias or ARN. */
  readonly label: string;
  readonly resource?: ResourceRef;
  /** The key's ARN, for a referenced key; a created key's is only known once it is deployed. */
  readonly arn?: string;
  readonly aliases: string[];
  readonly configuration: KeyConfiguration;
  readonly encrypts: EncryptedData[];
  readonly access: Access[];
  /** What could not be known about this key at synth. */
  readonly unknowns: Unknown[];
}

/** A resource that holds data not under a customer-managed key. */
export interface UnprotectedData {
  readonly resource: ResourceRef;
  /** `unencrypted`, `aws-managed` (aws/<service>), `aws-owned` (the service's own key). */
  readonly protection: 'unencrypted' | 'aws-managed' | 'aws-owned';
  /** What to change, in the user's terms (from the coverage data). */
  readonly fix?: string;
}

/** A finding someone decided to accept, with their reason: the exceptions register. */
export interface Acknowledgement {
  readonly tool: 'cdk-nag' | 'cfn-guard' | 'checkov' | 'cfn-lint' | 'EncryptionChecks' | 'aws-cdk-lib';
  /** The rule or finding id (`AwsSolutions-IAM5`, `CKV_AWS_111`, `W3005`, `cdk-kms-encryption::S3BucketKmsCmk`). */
  readonly rule: string;
  /** The resource it is acknowledged on; absent when it is acknowledged on a construct above resources (a stack, an L2). */
  readonly resource?: ResourceRef;
  readonly stack: string;
  /** The construct path it is acknowledged on (`Validations.acknowledge`), when the assembly records one. */
  readonly path?: string;
  readonly reason: string;
  /** cdk-nag's `appliesTo`, when the acknowledgement is narrower than the rule. */
  readonly appliesTo?: string[];
}

/** One line of the cost estimate. */
export interface CostLine {
  /** "Customer managed key", "Rotation surcharge (2nd and later rotations)", … */
  readonly item: string;
  readonly keys: string[];
  readonly quantity: number;
  readonly unitUsd: number;
  readonly monthlyUsd: number;
}

/** The monthly KMS cost the app's keys bring, before requests. */
export interface CostEstimate {
  readonly estimate: true;
  readonly currency: 'USD';
  readonly monthlyUsd: number;
  readonly lines: CostLine[];
  /** The pricing page the prices were read from, and when. */
  readonly pricing: { readonly url: string; readonly readOn: string; readonly region: string };
  /** What the estimate leaves out (requests, free tier, Regions priced otherwise). */
  readonly notes: string[];
}

/** `encryption-report.json`. */
export interface EncryptionReport {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  /** The assembly directory the report was made from, as given. */
  readonly assembly: string;
  readonly stacks: StackEntry[];
  readonly keys: KeyEntry[];
  readonly unprotected: UnprotectedData[];
  readonly acknowledgements: Acknowledgement[];
  readonly cost: CostEstimate;
  /** What could not be known at synth and is not about one key. */
  readonly unknowns: Unknown[];
}

/** One capability gained or lost between two reports. */
export interface AccessChange {
  readonly key: { readonly id: string; readonly label: string };
  readonly principal: PrincipalRef;
  readonly capability: Capability;
  readonly conditions: string[];
  /** The data under the key (in the newer report for a gain, the older for a loss). */
  readonly data: ResourceRef[];
}

/** `encryption-report.json` of `--diff`: what changed from the old assembly to the new one. */
export interface EncryptionReportDiff {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly old: string;
  readonly new: string;
  readonly gained: AccessChange[];
  readonly lost: AccessChange[];
  readonly keysAdded: Array<{ readonly id: string; readonly label: string }>;
  readonly keysRemoved: Array<{ readonly id: string; readonly label: string }>;
  /** Data that came under a key, or moved between keys, or left one. */
  readonly dataChanged: Array<{ readonly resource: ResourceRef; readonly oldKey?: string; readonly newKey?: string }>;
}

/** Whether a report is the result of `--diff` (two assemblies compared) rather than one assembly's report. */
export function isReportDiff(report: EncryptionReport | EncryptionReportDiff): report is EncryptionReportDiff {
  return 'gained' in report;
}
