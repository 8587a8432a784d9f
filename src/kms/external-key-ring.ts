import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { CustomerManagedKey, KeyMaterialOrigin } from './customer-managed-key';
import { aliasNameProblem, withAliasPrefix } from './private/validation';
import { injectedProps } from '../private/injection';
import { linkGenerations } from '../private/key-use/key-ring';
import { missingPropProblems, present, throwIfInvalid } from '../private/validation';

/** Properties of an {@link ExternalKeyRing}. */
export interface ExternalKeyRingProps {
  /** The alias that always names the current key, e.g. `payments`. `alias/` is added when missing. */
  readonly alias: string;

  /**
   * The generations of key material, oldest first, each a short name such as `v1` or `2026`.
   * Every generation is a key with imported material, retained so that data encrypted under it stays
   * readable. Add a generation to rotate; never remove or rename one.
   */
  readonly generations: string[];

  /**
   * The generation the alias points at. Keep the alias on the previous generation until the new key
   * has its material imported, then move it.
   *
   * @default - the last of `generations`
   */
  readonly currentGeneration?: string;

  /**
   * A description for every key of the ring; the generation is appended.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Principals that administer the keys, including importing key material (`kms:ImportKeyMaterial`); not
   * deleting it.
   *
   * @default - no administrators besides the account
   */
  readonly administrators?: iam.IPrincipal[];
}

/**
 * Keys with imported key material (`Origin: EXTERNAL`), one per generation, rotated by moving a stable
 * alias to a new key while the previous keys stay for decryption.
 *
 * Use the ring for each generation's material to have its own key (its own expiration, or deletion once
 * its data is re-encrypted). Otherwise one `CustomerManagedKey` with `keyMaterialOrigin: EXTERNAL` is
 * simpler: its administrators import new material and rotate on demand, and the key stays the same.
 *
 * Whatever reads data under the current key can read it under every generation: constructs given
 * `currentKey` (log groups, buckets, parameters, secrets, snapshot sharing) and the `grant*` methods add
 * decryption on the other generations, so data written before the alias moved stays readable.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys-manually.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-import-key-material.html
 *
 * @example
 * const ring = new ExternalKeyRing(this, 'Payments', { alias: 'payments', generations: ['v1', 'v2'] });
 * declare const reader: iam.IRole;
 * ring.grantDecrypt(reader);
 */
export class ExternalKeyRing extends Construct {
  /**
   * The id property injectors aim at to set defaults for every `ExternalKeyRing`. They receive and
   * return `ExternalKeyRingProps`.
   */
  public static readonly PROPERTY_INJECTION_ID: string = 'cdk-kms-encryption.ExternalKeyRing';

  /** Every generation's key, oldest first. */
  public readonly keys: CustomerManagedKey[];

  /** The key the alias points at. */
  public readonly currentKey: CustomerManagedKey;

  /** The stable alias. */
  public readonly alias: kms.Alias;

  /**
   * @param scope the construct the key ring is defined in
   * @param id the id of the key ring, unique within `scope`
   * @param props the options of the key ring
   */
  constructor(scope: Construct, id: string, props: ExternalKeyRingProps) {
    props = injectedProps(ExternalKeyRing.PROPERTY_INJECTION_ID, scope, id, props);
    super(scope, id);
    throwIfInvalid(this, missingPropProblems(props, ['alias', 'generations']));
    const current = props.currentGeneration ?? props.generations[props.generations.length - 1];
    throwIfInvalid(this, [...generationProblems(props.generations, current), ...present(aliasNameProblem(withAliasPrefix(props.alias)))]);

    this.keys = props.generations.map((generation) => new CustomerManagedKey(this, `Generation${generation}`, {
      keyMaterialOrigin: KeyMaterialOrigin.EXTERNAL,
      description: props.description === undefined ? undefined : `${props.description} (${generation})`,
      administrators: props.administrators,
    }));
    linkGenerations(this.keys.map((key, index) => ({ key, name: props.generations[index] })));
    this.currentKey = this.keys[props.generations.indexOf(current)];
    this.alias = new kms.Alias(this, 'Alias', {
      aliasName: withAliasPrefix(props.alias),
      targetKey: this.currentKey,
    });
  }

  /** Lets the principal decrypt data encrypted under any generation. */
  public grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.currentKey.grantDecrypt(grantee);
  }

  /** Lets the principal encrypt with the current key and decrypt under any generation. */
  public grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.currentKey.grantEncryptDecrypt(grantee);
  }
}

const GENERATION_PATTERN = /^[A-Za-z0-9]{1,32}$/;

function generationProblems(generations: string[], current: string | undefined): string[] {
  if (generations.length === 0) {
    return ['`generations` must name at least one generation, got none. Start with one, e.g. [\'v1\'].'];
  }
  const problems = generations
    .filter((generation) => !GENERATION_PATTERN.test(generation))
    .map((generation) => `\`generations\` entries must be 1 to 32 letters or digits, got '${generation}'.`);
  const duplicates = generations.filter((generation, index) => generations.indexOf(generation) !== index);
  if (duplicates.length > 0) {
    problems.push(`\`generations\` must not repeat a name, got '${duplicates[0]}' twice. Give each generation its own name.`);
  }
  if (current !== undefined && !generations.includes(current)) {
    problems.push(`\`currentGeneration\` must be one of \`generations\` (${generations.join(', ')}), got '${current}'.`);
  }
  return problems;
}
