import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { mockClient } from 'aws-sdk-client-mock';
import { SecureStringParameter, SecureStringValue } from '../../src/ssm';
import { handleEvent } from '../../src/ssm/private/secure-string-resource';
import { ACCOUNT, REGION } from '../util/app';
import { Intrinsics } from '../util/intrinsics';

jest.setTimeout(60_000);

/** Recognisable values the secrets hold in Secrets Manager (and so in the parameters, after deployment). */
const WHOLE_SECRET = 'Whole-Secret-Value-3f9c1a';
const FIELD_SECRET = 'Json-Field-Secret-Value-8d2e4b';

const ssmMock = mockClient(SSMClient);
const secretsMock = mockClient(SecretsManagerClient);

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** An app writing its cloud assembly to a fresh temporary directory. */
function appInTempDir(): App {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-no-plaintext-'));
  outdirs.push(outdir);
  return new App({ outdir, context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
}

/** Every file under a directory, with its content. */
function filesUnder(dir: string): Array<{ file: string; content: string }> {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [{ file: full, content: fs.readFileSync(full, 'latin1') }];
  });
}

/** The files of the cloud assembly that contain any of the values. */
function filesContaining(outdir: string, values: string[]): string[] {
  return filesUnder(outdir).filter(({ content }) => values.some((value) => content.includes(value))).map(({ file }) => file);
}

/** Runs the handler's Create for every parameter of the stack, against mocked AWS, and returns the values it stores. */
async function deployedValues(app: App, stack: Stack): Promise<string[]> {
  const intrinsics = new Intrinsics(stack);
  const template = JSON.parse(fs.readFileSync(path.join(app.outdir, stack.templateFile), 'utf8'));
  for (const [logicalId, resource] of Object.entries<any>(template.Resources)) {
    if (resource.Type === 'Custom::SecureStringParameter') {
      await handleEvent({
        RequestType: 'Create',
        ServiceToken: 'token',
        ResponseURL: 'https://example.com',
        StackId: 'stack',
        RequestId: 'request',
        LogicalResourceId: logicalId,
        ResourceType: resource.Type,
        ResourceProperties: { ServiceToken: 'token', ...intrinsics.resolve(resource.Properties) },
      }, { ssm: new SSMClient({ region: REGION }), secretsManager: new SecretsManagerClient({ region: REGION }) });
    }
  }
  return ssmMock.commandCalls(PutParameterCommand).map((call) => call.args[0].input.Value!);
}

beforeEach(() => {
  ssmMock.reset();
  secretsMock.reset();
  ssmMock.on(PutParameterCommand).resolves({ Version: 1 });
  secretsMock.on(GetSecretValueCommand).callsFake(({ SecretId }) => ({
    SecretString: String(SecretId).includes('whole') ? WHOLE_SECRET : JSON.stringify({ username: 'app', password: FIELD_SECRET }),
  }));
});

test('no value from any source but unsafePlainText appears in any file of the cloud assembly', async () => {
  // GIVEN every value source except unsafePlainText, grants and dynamic references
  const app = appInTempDir();
  const stack = new Stack(app, 'NoPlaintext', { env: { account: ACCOUNT, region: REGION } });
  const generated = new SecureStringParameter(stack, 'Generated');
  new SecureStringParameter(stack, 'GeneratedLong', { value: SecureStringValue.generated({ length: 128, excludeCharacters: '"' }) });
  const wholeSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'WholeSecret', 'app/whole');
  new SecureStringParameter(stack, 'FromWholeSecret', { value: SecureStringValue.fromSecret(wholeSecret) });
  const jsonSecret = new secretsmanager.Secret(stack, 'JsonSecret', { generateSecretString: { generateStringKey: 'password', secretStringTemplate: '{"username":"app"}' } });
  const fromField = new SecureStringParameter(stack, 'FromSecretField', { value: SecureStringValue.fromSecret(jsonSecret, 'password') });
  generated.grantRead(new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() }));
  new CfnOutput(stack, 'Reference', { value: fromField.dynamicReference(1) });

  // WHEN the app is synthesized, and (with mocked AWS) the handler creates the parameters
  app.synth();
  const values = await deployedValues(app, stack);

  // THEN the values exist at deploy time, and no file in the cloud assembly contains any of them
  expect(values).toHaveLength(4);
  expect(values).toEqual(expect.arrayContaining([WHOLE_SECRET, FIELD_SECRET]));
  const generatedLengths = values.filter((value) => ![WHOLE_SECRET, FIELD_SECRET].includes(value)).map((value) => value.length);
  expect(generatedLengths.sort((a, b) => a - b)).toEqual([32, 128]);
  expect(filesUnder(app.outdir).length).toBeGreaterThan(3);
  expect(filesContaining(app.outdir, values)).toEqual([]);
});

test('the check finds a value that is in the cloud assembly (unsafePlainText)', async () => {
  // GIVEN
  const app = appInTempDir();
  const stack = new Stack(app, 'Unsafe', { env: { account: ACCOUNT, region: REGION } });
  new SecureStringParameter(stack, 'Visible', { value: SecureStringValue.unsafePlainText('Plain-Text-Value-0a1b2c') });

  // WHEN
  app.synth();
  const values = await deployedValues(app, stack);

  // THEN
  expect(values).toEqual(['Plain-Text-Value-0a1b2c']);
  expect(filesContaining(app.outdir, values)).toEqual(expect.arrayContaining([path.join(app.outdir, 'Unsafe.template.json')]));
});
